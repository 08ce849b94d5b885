//! Small helpers shared by rules: resolving who a connection runs as, and
//! phrasing environments.

use std::borrow::Cow;

use intguard_model::{
    DefinitionForm, Inventory, MuleApp, MuleRuntime, Related, SalesforceConnection,
    SecurePropertiesConfig, Value,
};

/// The username a connection uses in one environment, with where it was
/// defined (the model's [`intguard_model::ConnectionUser`]).
pub use intguard_model::ConnectionUser as EnvIdentity;

/// Who `connection` runs as, per environment of `app` (only environments where
/// the username resolves, and not to an encrypted value). Of a compact app,
/// as worked out when it was read ([`intguard_model::ConnectionFacts`]).
pub fn connection_identities(
    inventory: &Inventory,
    app: &MuleApp,
    connection: &SalesforceConnection,
) -> Vec<EnvIdentity> {
    connection_identities_ref(inventory, app, connection).into_owned()
}

/// [`connection_identities`] borrowed from a compact app's facts held in
/// memory, worked out only for an app kept whole: a rule that holds every
/// connection's users at once (IG303) holds no copy of them (but of those
/// a scan moved out, read back).
pub fn connection_identities_ref<'a>(
    inventory: &'a Inventory,
    app: &'a MuleApp,
    connection: &SalesforceConnection,
) -> Cow<'a, [EnvIdentity]> {
    match inventory.connection_facts(app, connection) {
        Some(Cow::Borrowed(facts)) => Cow::Borrowed(&facts.users),
        Some(Cow::Owned(facts)) => Cow::Owned(facts.users.into_vec()),
        None => Cow::Owned(resolved_users(app, connection).0),
    }
}

/// `connection` of `app` logs in with the consumer key `key` in some
/// environment (its `consumerKey` resolved, trimmed). Of a compact app, as
/// worked out when it was read ([`intguard_model::ConnectionFacts`]).
pub fn uses_consumer_key(
    inventory: &Inventory,
    app: &MuleApp,
    connection: &SalesforceConnection,
    key: &str,
) -> bool {
    match inventory.connection_facts(app, connection) {
        Some(facts) => facts.consumer_keys.iter().any(|k| k == key),
        None => connection.attr("consumerKey").is_some_and(|v| {
            app.resolve_all(v)
                .into_iter()
                .any(|x| x.value.is_some_and(|x| x.trim() == key))
        }),
    }
}

/// A value resolved in every environment, keeping those that resolve to a
/// name: an encrypted `![...]` value names nobody (with random IVs one user
/// has many).
pub fn resolved_per_env(app: &MuleApp, value: &Value) -> Vec<EnvIdentity> {
    names_per_env(app.resolve_all(value))
}

/// [`resolved_per_env`] of values resolved already.
fn names_per_env(resolved: Vec<intguard_model::Resolved<'_>>) -> Vec<EnvIdentity> {
    resolved
        .into_iter()
        .filter_map(|r| {
            if r.is_encrypted() {
                return None;
            }
            let username = r.value.clone()?.trim().to_string();
            if username.is_empty() {
                return None;
            }
            Some(EnvIdentity {
                environment: r.environment.map(str::to_string),
                username,
                defined_at: r.origin().map(|o| o.location().clone()),
            })
        })
        .collect()
}

/// `int.orders@acme.com` when every environment agrees, else
/// `int.orders@acme.com (prod), int.orders@acme.com.qa (qa)`.
pub fn describe_identities(ids: &[EnvIdentity]) -> Option<String> {
    let who: Vec<(Option<&str>, &str)> = ids
        .iter()
        .map(|i| (i.environment.as_deref(), i.username.as_str()))
        .collect();
    describe_per_env(&who)
}

/// The environments where `connection`'s username is an encrypted `![...]`
/// value ([`connection_identities`] leaves them out): someone, whom only the
/// key tells.
pub fn encrypted_username_environments(
    inventory: &Inventory,
    app: &MuleApp,
    connection: &SalesforceConnection,
) -> Vec<Option<String>> {
    match inventory.connection_facts(app, connection) {
        Some(facts) => facts.encrypted_environments.to_vec(),
        None => resolved_users(app, connection).1,
    }
}

/// The environments where a resolved value is an encrypted `![...]` value.
fn encrypted_environments(resolved: &[intguard_model::Resolved<'_>]) -> Vec<Option<String>> {
    resolved
        .iter()
        .filter(|r| r.value.is_some() && r.is_encrypted())
        .map(|r| r.environment.map(str::to_string))
        .collect()
}

/// [`connection_identities`] and [`encrypted_username_environments`] of
/// `connection`, its username resolved once in `app` as it is now.
pub(crate) fn resolved_users(
    app: &MuleApp,
    connection: &SalesforceConnection,
) -> (Vec<EnvIdentity>, Vec<Option<String>>) {
    let Some(user) = connection.username() else {
        return (Vec::new(), Vec::new());
    };
    let resolved = app.resolve_all(user);
    let encrypted = encrypted_environments(&resolved);
    let mut ids = names_per_env(resolved);
    app.with_deployed_values(user, &mut ids);
    (ids, encrypted)
}

/// [`describe_identities`] for a message, with `an encrypted username` in
/// the environments `encrypted`: `int.legacy@acme.com.dev (dev), an
/// encrypted username (prod)`.
pub fn describe_users(ids: &[EnvIdentity], encrypted: &[Option<String>]) -> Option<String> {
    let mut who: Vec<(Option<&str>, &str)> = ids
        .iter()
        .map(|i| (i.environment.as_deref(), i.username.as_str()))
        .chain(
            encrypted
                .iter()
                .map(|env| (env.as_deref(), "an encrypted username")),
        )
        .collect();
    who.sort_by_key(|(env, _)| *env);
    describe_per_env(&who)
}

/// The environments a connection runs in, where its username resolves or is
/// encrypted.
pub fn user_environments(ids: &[EnvIdentity], encrypted: &[Option<String>]) -> Vec<String> {
    let mut envs = environments(ids);
    envs.extend(encrypted.iter().flatten().cloned());
    envs.sort();
    envs.dedup();
    envs
}

/// `who` when every environment agrees, else `who (env), ...`.
fn describe_per_env(who: &[(Option<&str>, &str)]) -> Option<String> {
    let (_, first) = who.first()?;
    if who.iter().all(|(_, w)| w == first) {
        return Some(first.to_string());
    }
    Some(
        who.iter()
            .map(|(env, w)| match env {
                Some(env) => format!("{w} ({env})"),
                None => w.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// Related entries pointing at each property line that defined a username.
pub fn identity_related(ids: &[EnvIdentity]) -> Vec<Related> {
    ids.iter()
        .filter_map(|i| {
            let loc = i.defined_at.as_ref()?;
            let env = i.environment.as_deref().unwrap_or("all environments");
            Some(Related::new(
                loc,
                format!("username {} for {env}", i.username),
            ))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Commands in fixes (IG102, IG103, IG104, IG108): intguard's own, spelt as its
// CLI takes them.

/// `word` as one shell word: as it is when it holds only characters no shell
/// reads specially, else in single quotes (a `'` in it written `'\''`). A
/// folder or user name in a command a fix quotes is text from the scanned
/// files: unquoted, `orders $(curl ...)` would run when the command is pasted.
/// A placeholder the user replaces (`<the folder holding ...>`) stays as it is.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:@%+=,-".contains(c));
    let placeholder = word.starts_with('<') && word.ends_with('>');
    if plain || placeholder {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Re-encrypts every `![...]` value of the app(s) in `folder` from the old key
/// to the new one, each file with the cipher of the configuration that reads it.
pub fn rotate_key_command(folder: &str) -> String {
    format!(
        "intguard fix secrets --key-env <VAR holding the old key> --rotate-key <VAR holding the new key> {}",
        shell_word(folder)
    )
}

/// [`rotate_key_command`] that also moves every configuration of the app to
/// AES/CBC with random IVs (Mule 3: AES/CBC) and re-encrypts its values so.
pub fn upgrade_encryption_command(folder: &str) -> String {
    format!(
        "intguard fix secrets --key-env <VAR holding the old key> --rotate-key <VAR holding the new key> --upgrade-encryption {}",
        shell_word(folder)
    )
}

/// The folder to run `fix secrets --rotate-key`/`--upgrade-encryption` on
/// for `config` of `app`: the app's, or, for a secure-properties config of a
/// Mule plugin's file that the app imports (run in each app importing it,
/// reading their property files), the folder holding the plugin, where the
/// config is changed, and every app of the scan that imports it, whose
/// values are re-encrypted with it: `fix secrets` lends the plugin's
/// configurations to the apps it reads as a scan does.
pub fn secure_config_folder(
    inventory: &Inventory,
    app: &MuleApp,
    config: &SecurePropertiesConfig,
) -> String {
    let path = config.location.path.as_str();
    if app.lending_plugin(path).is_none() {
        return app.root.clone();
    }
    let plugin = inventory
        .apps
        .iter()
        .filter(|a| a.plugin.is_some())
        .map(|a| a.root.as_str())
        .find(|root| {
            path.strip_prefix(root)
                .is_some_and(|rest| rest.starts_with('/'))
        });
    let importers = inventory
        .apps
        .iter()
        .filter(|a| {
            a.secure_property_configs
                .iter()
                .any(|c| c.location == config.location)
        })
        .map(|a| a.root.as_str());
    common_folder(
        plugin
            .into_iter()
            .chain([app.root.as_str()])
            .chain(importers),
    )
}

/// The deepest folder holding every one of `folders` (`.` when relative
/// paths share none).
fn common_folder<'a>(folders: impl IntoIterator<Item = &'a str>) -> String {
    let mut common: Option<Vec<&str>> = None;
    for folder in folders {
        let parts: Vec<&str> = folder.split('/').collect();
        common = Some(match common {
            None => parts,
            Some(mut c) => {
                let same = c.iter().zip(&parts).take_while(|(a, b)| a == b).count();
                c.truncate(same);
                c
            }
        });
    }
    match common.as_deref() {
        // Absolute paths that share only the root.
        Some([""]) => "/".to_string(),
        Some(c) if !c.is_empty() => c.join("/"),
        _ => ".".to_string(),
    }
}

/// `fix` with a last sentence naming the properties its snippet reads
/// (`${https.port}`, `${secure::tls.keystore.password}`) that `app` defines
/// in none of its environments: without them the app (or domain) fails at
/// deploy.
pub fn with_property_note(app: &MuleApp, fix: String) -> String {
    let envs = app.resolution_environments();
    let mut missing: Vec<String> = Vec::new();
    for p in intguard_model::expr::placeholders(&fix) {
        let shown = if p.secure {
            format!("secure::{}", p.name)
        } else {
            p.name.clone()
        };
        let defined = envs
            .iter()
            .any(|env| app.lookup(&p.name, p.secure, *env).is_some());
        if !defined && !missing.contains(&shown) {
            missing.push(shown);
        }
    }
    if missing.is_empty() {
        return fix;
    }
    // As the snippet reads them: Mule 4's secure:: names (also in a Mule 3
    // app's advice to migrate first), else Mule 3's placeholder, which has
    // no secure:: prefix (see `in_runtime_syntax`).
    let how = if missing.iter().any(|m| m.starts_with("secure::")) {
        " (the secure:: ones encrypted, in its secure files)"
    } else if app.runtime == MuleRuntime::Mule3 {
        " (the passwords as encrypted ![...] values, in a file its <secure-property-placeholder:config> loads)"
    } else {
        ""
    };
    format!(
        "{fix} The {} defines none of {} yet: add them to each environment's properties{how}.",
        if app.domain { "domain" } else { "app" },
        missing.join(", ")
    )
}

/// A fix's Mule 4 snippet as `app` writes it: Mule 3's
/// `<secure-property-placeholder:config>` decrypts `![...]` values read as
/// plain `${name}`; the `${secure::name}` prefix is Mule 4's secure-properties
/// module only.
pub fn in_runtime_syntax(app: &MuleApp, fix: String) -> String {
    if app.runtime == MuleRuntime::Mule3 {
        fix.replace("${secure::", "${")
    } else {
        fix
    }
}

/// How to take a value given to a container out of the repository, in its
/// format's terms (the start of a fix, without a final stop): a Dockerfile's
/// `ENV`/`ARG` stays in the image, a Kubernetes `env` entry reads a Secret
/// instead. `None` for definitions written otherwise.
pub fn container_value_removal(form: DefinitionForm, name: &str, file: &str) -> Option<String> {
    match form {
        DefinitionForm::DockerfileVariable => Some(format!(
            "Delete `{name}` from {file} and purge it from git history: an image keeps every ENV and ARG value in its layers and `docker history`, for anyone who can pull it. Give it to the container when it starts instead (`docker run -e {name}` from the host's secret store, or the orchestrator's secret, such as a Kubernetes Secret read with valueFrom.secretKeyRef)"
        )),
        DefinitionForm::ContainerEnv => Some(format!(
            "Replace the `value:` of `{name}` in {file} with `valueFrom: {{secretKeyRef: {{name: <secret>, key: <key>}}}}`, reading a Kubernetes Secret created outside the repository (kubectl create secret generic, or an external secrets operator), and purge the value from git history"
        )),
        _ => None,
    }
}

/// The environment variable a CI file or a container would hold a value
/// named `name` in: upper case, `_` for the rest, without leading dashes
/// (`--client_secret` -> `CLIENT_SECRET`, `mule.key` -> `MULE_KEY`).
pub fn environment_variable(name: &str) -> String {
    name.trim_start_matches('-')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// `a, b and c`.
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// Environment names of a set of identities.
pub fn environments(ids: &[EnvIdentity]) -> Vec<String> {
    ids.iter().filter_map(|i| i.environment.clone()).collect()
}

/// `in prod, qa` / `in every environment`.
pub fn env_phrase(envs: &[String]) -> String {
    if envs.is_empty() {
        "in every environment".to_string()
    } else {
        format!("in {}", envs.join(", "))
    }
}

// ---------------------------------------------------------------------------
// URLs, hosts, TLS contexts and committed values (IG105, IG109, IG110, IG206,
// IG303).

/// The parts of a URL that rules care about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts {
    /// Lowercase scheme, e.g. `https`.
    pub scheme: String,
    /// Lowercase host without user info or port; empty when absent.
    pub host: String,
    pub port: Option<u16>,
    /// Path, query and fragment as written (starting with `/`, or empty).
    pub path: String,
    /// `user:password@` before the host.
    pub has_userinfo: bool,
}

/// Splits `scheme://[user@]host[:port][/path]`; `None` without `://`.
pub fn parse_url(url: &str) -> Option<UrlParts> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let (has_userinfo, hostport) = match authority.rfind('@') {
        Some(at) => (true, &authority[at + 1..]),
        None => (false, authority),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let close = v6.find(']').unwrap_or(v6.len());
        let port = v6[close..].strip_prefix("]:").and_then(|p| p.parse().ok());
        (&v6[..close], port)
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().ok()),
            None => (hostport, None),
        }
    };
    Some(UrlParts {
        scheme: scheme.to_ascii_lowercase(),
        host: host.trim_end_matches('.').to_ascii_lowercase(),
        port,
        path: path.to_string(),
        has_userinfo,
    })
}

/// A URL for messages: user info (which may hold a password) is masked and
/// the query string (which may hold a token or secret) is cut.
pub fn display_url(url: &str) -> String {
    let url = url.trim();
    let (url, cut) = match url.find(['?', '#']) {
        Some(q) => (&url[..q], true),
        None => (url, false),
    };
    let suffix = if cut { "?…" } else { "" };
    let Some((scheme, rest)) = url.split_once("://") else {
        return format!("{url}{suffix}");
    };
    let end = rest.find('/').unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}{suffix}", &rest[at + 1..]),
        None => format!("{url}{suffix}"),
    }
}

pub use intguard_model::vocab::is_salesforce_host;

/// A My Domain host: `acme.my.salesforce.com`, `acme--uat.sandbox.my.salesforce.com`.
pub fn is_my_domain_host(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h.ends_with(".my.salesforce.com") && h.len() > ".my.salesforce.com".len()
}

/// Loopback and unspecified-local names: traffic that never leaves the host.
pub fn is_local_host(host: &str) -> bool {
    let h = host.trim().trim_matches(['[', ']']).to_ascii_lowercase();
    h == "localhost" || h.ends_with(".localhost") || h.starts_with("127.") || h == "::1"
}

pub use intguard_model::path_text::file_name;

/// The OAuth app a Salesforce metadata file defines, told by its name
/// (SFDX `-meta.xml` or Metadata API): a connected app, or the global OAuth
/// settings of an external client app, the files that may hold a consumer
/// key and secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OauthAppFile {
    ConnectedApp,
    ExternalClientApp,
}

impl OauthAppFile {
    pub fn of(path: &str) -> Option<Self> {
        let name = file_name(path);
        let name = name.strip_suffix("-meta.xml").unwrap_or(name);
        if name.ends_with(".connectedApp") {
            Some(OauthAppFile::ConnectedApp)
        } else if name.ends_with(".ecaGlblOauth") {
            Some(OauthAppFile::ExternalClientApp)
        } else {
            None
        }
    }

    /// `connected app` / `external client app`.
    pub fn label(self) -> &'static str {
        match self {
            OauthAppFile::ConnectedApp => "connected app",
            OauthAppFile::ExternalClientApp => "external client app",
        }
    }

    /// How to replace a consumer secret committed in such a file, `file`
    /// its path: a new secret from Salesforce, the file committed without
    /// one (Salesforce does not retrieve a connected app's secret; an
    /// external client app's global OAuth settings deploy without it).
    pub fn secret_fix(self, file: &str) -> String {
        let rotate = match self {
            OauthAppFile::ConnectedApp => "Generate a new consumer secret for the connected app (Setup > App Manager > the app > View > Manage Consumer Details)",
            OauthAppFile::ExternalClientApp => "Generate a new consumer secret for the external client app (Setup > External Client App Manager > the app, or deploy its global OAuth settings once with <shouldRotateConsumerSecret>true</shouldRotateConsumerSecret>)",
        };
        format!(
            "{rotate} and revoke its tokens (Connected Apps OAuth Usage > Revoke); delete the <consumerSecret> element from {file}, commit the file without it, and purge the value from git history (git filter-repo --replace-text <file>, where <file> holds the value followed by ==>REMOVED)."
        )
    }
}

/// How to replace a secret of a remote system committed in Salesforce
/// metadata that holds one: a legacy named credential's `<password>`, an
/// auth provider's `<consumerSecret>`. `None` for other files. Salesforce
/// keeps such a secret once it is entered in Setup, so the file is
/// committed without it. (Their API names are developer names: letters,
/// digits and underscores, nothing to decode.)
pub fn salesforce_credential_fix(path: &str, element: &str) -> Option<String> {
    let file = file_name(path);
    let base = file.strip_suffix("-meta.xml").unwrap_or(file);
    let purge = "purge the value from git history (git filter-repo --replace-text <file>, where <file> holds the value followed by ==>REMOVED)";
    if let Some(name) = base.strip_suffix(".namedCredential") {
        Some(format!(
            "Change the secret on the remote system and enter the new one in Setup > Named Credentials > {name} > Edit (better: an External Credential, whose principal's credentials are entered in Setup and never deployed); delete the <{element}> element from {file}, commit the file without it, and {purge}."
        ))
    } else {
        base.strip_suffix(".authprovider").map(|name| format!(
            "Generate a new client secret at the identity provider and enter it in Setup > Auth. Providers > {name} > Edit > Consumer Secret; delete the <{element}> element from {file}, commit the file without it, and {purge}."
        ))
    }
}

/// The settings file `path` is (`settings/Security.settings-meta.xml` in
/// SFDX source, `settings/Security.settings` in Metadata API format), from
/// its `settings` folder on; `settings/<name>.settings-meta.xml` when
/// `path` lies in no such folder.
pub fn settings_file(path: &str, name: &str) -> String {
    metadata_file(path, "settings", || {
        format!("settings/{name}.settings-meta.xml")
    })
}

/// `global.xml:12` (file name and line), for messages listing many places.
pub fn short_location(loc: &intguard_model::Location) -> String {
    if loc.line == 0 {
        file_name(&loc.path).to_string()
    } else {
        format!("{}:{}", file_name(&loc.path), loc.line)
    }
}

/// The app whose folder holds `path` (the deepest one), if any.
pub fn app_for_path<'a>(
    inventory: &'a intguard_model::Inventory,
    path: &str,
) -> Option<&'a MuleApp> {
    inventory
        .apps
        .iter()
        .filter(|app| {
            let root = app.root.trim_end_matches('/');
            root.is_empty()
                || path
                    .strip_prefix(root)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .max_by_key(|app| app.root.len())
}

/// True for paths in a Mule app's test sources (MUnit suites and their
/// resources): findings there are reported one step lower.
pub fn in_test_sources(path: &str) -> bool {
    path.contains("/src/test/") || path.starts_with("src/test/")
}

/// Who holds a TLS context.
#[derive(Debug, Clone, Copy)]
pub enum TlsOwner<'a> {
    /// A global `tls:context` (referenced by name).
    Global,
    Salesforce(&'a SalesforceConnection),
    Listener(&'a intguard_model::HttpListener),
    Requester(&'a intguard_model::HttpRequester),
}

impl TlsOwner<'_> {
    /// `Salesforce connection `Salesforce_Config``, `HTTP listener `api``, ...
    pub fn describe(&self) -> String {
        match self {
            TlsOwner::Global => "global TLS context".to_string(),
            TlsOwner::Salesforce(c) => format!("Salesforce connection `{}`", c.config_name),
            TlsOwner::Listener(l) => format!("HTTP listener `{}`", l.config_name),
            TlsOwner::Requester(r) => format!("HTTP request config `{}`", r.config_name),
        }
    }
}

/// One `tls:context` of an app and its holder.
#[derive(Debug, Clone, Copy)]
pub struct TlsUse<'a> {
    pub context: &'a intguard_model::TlsContext,
    pub owner: TlsOwner<'a>,
}

/// Every TLS context of an app, global and nested (in Salesforce connections,
/// listeners and requesters), each once (by location; a nested owner wins).
pub fn tls_contexts(app: &MuleApp) -> Vec<TlsUse<'_>> {
    let mut out: Vec<TlsUse<'_>> = Vec::new();
    // A Mule plugin's connections the app imports too: their key stores
    // are the app's, resolved in its properties.
    for (c, _) in app.resolved_salesforce_connections() {
        if let Some(ctx) = &c.tls_context {
            out.push(TlsUse {
                context: ctx,
                owner: TlsOwner::Salesforce(c),
            });
        }
    }
    for l in &app.http_listeners {
        if let Some(ctx) = &l.tls_context {
            out.push(TlsUse {
                context: ctx,
                owner: TlsOwner::Listener(l),
            });
        }
    }
    for r in &app.http_requests {
        if let Some(ctx) = &r.tls_context {
            out.push(TlsUse {
                context: ctx,
                owner: TlsOwner::Requester(r),
            });
        }
    }
    for ctx in &app.tls_contexts {
        if !out.iter().any(|u| u.context.location == ctx.location) {
            out.push(TlsUse {
                context: ctx,
                owner: TlsOwner::Global,
            });
        }
    }
    out
}

/// The listeners, requesters and Salesforce connections that reference a
/// global TLS context by name.
pub fn tls_context_users<'a>(
    app: &'a MuleApp,
    name: &str,
) -> Vec<(TlsOwner<'a>, intguard_model::Location)> {
    let mut out = Vec::new();
    for (c, _) in app.resolved_salesforce_connections() {
        if c.attr("tlsContext").is_some_and(|v| v.raw.trim() == name) {
            out.push((TlsOwner::Salesforce(c), c.location.clone()));
        }
    }
    for l in &app.http_listeners {
        if l.tls_context_ref.as_deref() == Some(name) {
            out.push((TlsOwner::Listener(l), l.location.clone()));
        }
    }
    for r in &app.http_requests {
        if r.tls_context_ref.as_deref() == Some(name) {
            out.push((TlsOwner::Requester(r), r.location.clone()));
        }
    }
    out
}

/// Where a secret value is committed in clear (the model's
/// [`intguard_model::ClearValue`]).
pub use intguard_model::ClearValue;

/// The places where `value` (a password attribute) is committed in clear, per
/// environment of `app`. Placeholders and dummies (`changeme`, `<password>`)
/// do not count, nor do values set only at deploy time.
pub fn committed_in_clear(app: &MuleApp, value: &Value) -> Vec<ClearValue> {
    clear_definitions(app, value, is_dummy)
}

/// Like [`committed_in_clear`], but well-known defaults (`changeit`,
/// `password`) count too: for a keystore they are as good as no password.
pub fn committed_in_clear_or_default(app: &MuleApp, value: &Value) -> Vec<ClearValue> {
    clear_definitions(app, value, |v| {
        v.trim().is_empty() || intguard_model::vocab::is_reference_value(v)
    })
}

fn clear_definitions(app: &MuleApp, value: &Value, skip: impl Fn(&str) -> bool) -> Vec<ClearValue> {
    if value.is_literal() {
        if skip(&value.raw) {
            return Vec::new();
        }
        return vec![ClearValue {
            defined_at: value.location.clone(),
            environment: None,
            inline: true,
        }];
    }
    let mut out: Vec<ClearValue> = Vec::new();
    for r in app.resolve_all(value) {
        let (Some(v), Some(origin)) = (r.value.as_deref(), r.origin()) else {
            continue;
        };
        if origin.is_encrypted() || skip(v) {
            continue;
        }
        let at = origin.location().clone();
        let environment = match origin {
            intguard_model::PropertySource::File { file, .. } => file.environment.clone(),
            intguard_model::PropertySource::Global(_) => None,
        };
        if !out.iter().any(|c| c.defined_at == at) {
            out.push(ClearValue {
                defined_at: at,
                environment,
                inline: false,
            });
        }
    }
    out
}

/// Empty values, placeholders, encrypted values and template dummies.
pub fn is_dummy(value: &str) -> bool {
    intguard_model::vocab::is_placeholder_value(value)
}

/// Builders for hand-made Inventories in rule unit tests.
#[cfg(test)]
pub(crate) mod testkit {
    use intguard_model::{
        AuthClass, Location, MuleApp, MuleRuntime, PropertyEntry, PropertyFile, PropertyFormat,
        SalesforceConnection, Store, TlsContext, Value, XmlAttribute,
    };

    pub fn loc(path: &str, line: u32) -> Location {
        Location::new(path, line, 5)
    }

    pub fn val(raw: &str, path: &str, line: u32) -> Value {
        Value::new(raw, loc(path, line))
    }

    pub fn attr(
        element: &str,
        owner: Option<&str>,
        name: &str,
        raw: &str,
        path: &str,
        line: u32,
    ) -> XmlAttribute {
        XmlAttribute {
            element: element.into(),
            owner: owner.map(Into::into),
            name: name.into(),
            value: val(raw, path, line),
        }
    }

    pub fn app(name: &str, envs: &[&str]) -> MuleApp {
        let mut app = MuleApp::new(name, name, MuleRuntime::Mule4);
        app.environments = envs.iter().map(|e| e.to_string()).collect();
        app
    }

    /// A connection whose attributes are all on its own line.
    pub fn conn(
        config: &str,
        element: &str,
        auth: AuthClass,
        path: &str,
        line: u32,
        attrs: &[(&str, &str)],
    ) -> SalesforceConnection {
        SalesforceConnection {
            composite: false,
            config_name: config.into(),
            element: element.into(),
            runtime: if element.starts_with("sfdc:") {
                MuleRuntime::Mule3
            } else {
                MuleRuntime::Mule4
            },
            auth,
            location: loc(path, line),
            attributes: attrs
                .iter()
                .map(|(n, v)| attr(element, Some(config), n, v, path, line))
                .collect(),
            tls_context: None,
        }
    }

    pub fn props(
        path: &str,
        env: Option<&str>,
        secure: bool,
        entries: &[(&str, &str)],
    ) -> PropertyFile {
        PropertyFile {
            path: path.into(),
            format: PropertyFormat::Yaml,
            environment: env.map(str::to_string),
            secure,
            plain_too: false,
            loaded: true,
            entries: entries
                .iter()
                .enumerate()
                .map(|(i, (k, v))| PropertyEntry::new(k, v, loc(path, i as u32 + 1)))
                .collect(),
            split_values: Vec::new(),
        }
    }

    pub fn store(element: &str, path: &str, line: u32, attrs: &[(&str, &str)]) -> Store {
        Store {
            element: element.into(),
            location: loc(path, line),
            attributes: attrs
                .iter()
                .map(|(n, v)| attr(element, None, n, v, path, line))
                .collect(),
        }
    }

    pub fn tls(name: Option<&str>, path: &str, line: u32) -> TlsContext {
        TlsContext {
            element: "tls:context".into(),
            name: name.map(str::to_string),
            location: loc(path, line),
            enabled_protocols: None,
            trust_store: None,
            key_store: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = parse_url("https://user:pw@Acme.My.Salesforce.com:8443/services/oauth2/token?x=1")
            .unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.host, "acme.my.salesforce.com");
        assert_eq!(u.port, Some(8443));
        assert_eq!(u.path, "/services/oauth2/token?x=1");
        assert!(u.has_userinfo);
        assert!(is_my_domain_host(&u.host) && is_salesforce_host(&u.host));
        assert!(!is_my_domain_host("login.salesforce.com"));
        assert!(is_salesforce_host("acme.lightning.force.com"));
        assert!(!is_salesforce_host("salesforce.com.evil.io"));
        assert_eq!(parse_url("http://[::1]:80/x").unwrap().host, "::1");
        assert!(parse_url("not a url").is_none());
        assert_eq!(
            display_url("http://u:secret@h.com/p?token=abc"),
            "http://***@h.com/p?…"
        );
        assert!(
            is_local_host("127.0.0.1") && is_local_host("LOCALHOST") && !is_local_host("0.0.0.0")
        );
        assert_eq!(file_name("a/b\\c.jks"), "c.jks");
    }
}

/// Makes fingerprint keys unique per file: when two findings of one rule in
/// the same file share a key (two `http:request`s with the same attribute in
/// one flow), the later ones (in file order) get `#2`, `#3`, ...
pub fn disambiguate_keys(findings: &mut [intguard_model::Finding]) {
    use std::collections::HashMap;
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| findings[a].location.cmp(&findings[b].location));
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    // The keys as made before a value counted (`Finding::key_with_value`),
    // numbered as they were then, among every key alike in the file: a
    // baseline of that time still matches the second of two.
    let mut seen_before: HashMap<(String, String), usize> = HashMap::new();
    let any_before = findings
        .iter()
        .any(|f| f.fingerprint_key_before_value.is_some());
    for i in order {
        let f = &mut findings[i];
        let path = f.location.path.to_string();
        if any_before {
            let old = f
                .fingerprint_key_before_value
                .clone()
                .unwrap_or_else(|| f.fingerprint_key.clone());
            let n = seen_before.entry((path.clone(), old.clone())).or_insert(0);
            *n += 1;
            if *n > 1 && f.fingerprint_key_before_value.is_some() {
                f.fingerprint_key_before_value = Some(format!("{old}#{n}"));
            }
        }
        let n = seen.entry((path, f.fingerprint_key.clone())).or_insert(0);
        *n += 1;
        if *n > 1 {
            f.fingerprint_key = format!("{}#{}", f.fingerprint_key, n);
        }
    }
}

/// The file a metadata item was read from, from its type `folder` on, as the
/// project has it: `profiles/Admin.profile` (Metadata API format),
/// `permissionsets/Billing_Int/Billing_Int.userPermissions-meta.xml`
/// (decomposed), `profiles/Acme Integration %28API Only%29.profile-meta.xml`
/// (URL-encoded), not a name rebuilt from the item's. `conventional` (its
/// SFDX source name) when `path` lies in no such folder (read from an org).
pub fn metadata_file(path: &str, folder: &str, conventional: impl FnOnce() -> String) -> String {
    let mut end = path.len();
    while let Some(i) = path[..end].rfind(folder) {
        let starts = i == 0 || matches!(path.as_bytes()[i - 1], b'/' | b'\\');
        if starts && path[i + folder.len()..].starts_with(['/', '\\']) {
            return path[i..].replace('\\', "/");
        }
        end = i;
    }
    conventional()
}

#[cfg(test)]
mod metadata_file_tests {
    use super::{common_folder, metadata_file};

    #[test]
    fn common_folders() {
        assert_eq!(
            common_folder(["/r/plugins/common-lib", "/r/orders-sapi", "/r/billing"]),
            "/r"
        );
        assert_eq!(common_folder(["/r/orders-sapi"]), "/r/orders-sapi");
        assert_eq!(common_folder(["/a/x", "/b/y"]), "/");
        assert_eq!(common_folder(["plugins/lib", "orders"]), ".");
        assert_eq!(common_folder(["repo/plugins/lib", "repo/orders"]), "repo");
    }

    #[test]
    fn the_real_file_from_its_folder_on() {
        let sfdx = || "profiles/X.profile-meta.xml".to_string();
        for (path, folder, want) in [
            ("md/src/permissionsets/Sync_Extra.permissionset", "permissionsets", "permissionsets/Sync_Extra.permissionset"),
            (
                "sf/force-app/main/default/permissionsets/Billing_Int/Billing_Int.userPermissions-meta.xml",
                "permissionsets",
                "permissionsets/Billing_Int/Billing_Int.userPermissions-meta.xml",
            ),
            (
                "sf/force-app/main/default/profiles/Acme Integration %28API Only%29.profile-meta.xml",
                "profiles",
                "profiles/Acme Integration %28API Only%29.profile-meta.xml",
            ),
            // Not the type folder: a folder whose name ends with it.
            ("x/mutingpermissionsets/M.mutingpermissionset-meta.xml", "permissionsets", "profiles/X.profile-meta.xml"),
            ("org://acme/Profile/00e000000000001", "profiles", "profiles/X.profile-meta.xml"),
        ] {
            assert_eq!(metadata_file(path, folder, sfdx), want, "{path}");
        }
    }
}

/// The namespace of a managed package's permission set (`acme__Sync`,
/// `acme__Sync_Admin`): `None` for a profile or a set of the org's own.
pub fn managed_namespace(grant: &intguard_model::Grant) -> Option<&str> {
    if grant.kind != intguard_model::GrantKind::PermissionSet {
        return None;
    }
    set_namespace(&grant.name)
}

/// The namespace of a permission set's name (`acme__Sync`): `None` for a
/// set of the org's own.
pub fn set_namespace(name: &str) -> Option<&str> {
    let (ns, rest) = name.split_once("__")?;
    let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (valid(ns) && valid(rest) && !ns.starts_with('_')).then_some(ns)
}

/// How to take system permission `permission` (shown as `label`) from a
/// user who holds it through `grants`: the profiles and sets of the org's
/// own are edited (`Remove ... (where; set <enabled>false</enabled> ...)`,
/// without a final period, so a rule may go on); the managed packages'
/// sets, whose permissions cannot be edited in the org, are unassigned (a
/// sentence each). Either part may be empty.
pub fn permission_removal(
    inventory: &intguard_model::Inventory,
    user: &str,
    grants: &[intguard_model::Grant],
    permission: &str,
    label: &str,
) -> (Option<String>, Vec<String>) {
    // Each profile or set once, however many ways the user holds it.
    let (managed, own): (Vec<_>, Vec<_>) = crate::identities::by_grant(grants)
        .into_iter()
        .partition(|(g, _)| managed_namespace(g).is_some());
    let edit = (!own.is_empty()).then(|| {
        format!(
            "Remove {label} from {} ({}; set <enabled>false</enabled> in its <userPermissions> entry for {permission}: deleting the entry does not revoke it on deploy)",
            own.iter()
                .map(|(g, routes)| crate::identities::describe_routes(g, routes))
                .collect::<Vec<_>>()
                .join(", "),
            own.iter()
                .map(|(g, _)| setup_and_file(inventory, g))
                .collect::<Vec<_>>()
                .join("; ")
        )
    });
    let unassign = managed
        .iter()
        .filter_map(|(g, routes)| {
            let ns = managed_namespace(g)?;
            // Unassigned, or taken out of each group it comes through.
            Some(format!(
                "Permission set {} belongs to managed package {ns}: its permissions cannot be edited in your org. {}, and give the integration what it needs from the package with a permission set of your own, without {permission}.",
                g.name,
                unassign_managed_set_each_way(g, routes, user)
            ))
        })
        .collect();
    (edit, unassign)
}

/// [`unassign_managed_set`] for each way `user` holds the set (`None`:
/// assigned directly, else through that group), joined by `; `.
pub fn unassign_managed_set_each_way(
    grant: &intguard_model::Grant,
    routes: &[Option<&str>],
    user: &str,
) -> String {
    let steps: Vec<String> = routes
        .iter()
        .map(|via| unassign_managed_set(&grant.via(*via), user))
        .collect();
    steps.join("; ")
}

/// What a fix says of a managed package's permission set instead of editing
/// it: unassign it from `user` (or take it out of its group).
pub fn unassign_managed_set(grant: &intguard_model::Grant, user: &str) -> String {
    match &grant.via_group {
        Some(g) => format!(
            "Take it out of group {g} (Setup > Permission Set Groups > {g} > Permission Sets in Group; in its permissionsetgroups file delete <permissionSets>{}</permissionSets>)",
            grant.name
        ),
        None => format!(
            "Unassign it from {user} (Setup > Users > {user} > Permission Set Assignments; in a user definition, drop it from \"permsets\")"
        ),
    }
}

/// Where a profile's or permission set's system permissions are changed:
/// `Setup > ... > System Permissions, in <its metadata file>`.
pub fn setup_and_file(
    inventory: &intguard_model::Inventory,
    grant: &intguard_model::Grant,
) -> String {
    use intguard_model::{profile_label, GrantKind};
    let path = repo_path(inventory, grant.kind, &grant.name, &grant.location.path);
    match grant.kind {
        GrantKind::Profile => format!(
            "Setup > Profiles > {} > System Permissions, in {}",
            profile_label(&grant.name),
            metadata_file(path, "profiles", || {
                format!("profiles/{}.profile-meta.xml", grant.name)
            })
        ),
        _ => format!(
            "Setup > Permission Sets > {} > System Permissions, in {}",
            grant.name,
            metadata_file(path, "permissionsets", || {
                format!("permissionsets/{}.permissionset-meta.xml", grant.name)
            })
        ),
    }
}

/// The file to change for a profile or permission set read from the org
/// (`scan --org-snapshot`, whose copy is judged): the repository's copy of
/// the same name, as the project has it (decomposed, URL-encoded); else
/// `path` itself.
pub fn repo_path<'a>(
    inventory: &'a intguard_model::Inventory,
    kind: intguard_model::GrantKind,
    name: &str,
    path: &'a str,
) -> &'a str {
    use intguard_model::GrantKind;
    if !path.starts_with("org://") {
        return path;
    }
    let md = &inventory.salesforce;
    let in_repo = |p: &str| !p.starts_with("org://");
    let found = match kind {
        GrantKind::Profile => md
            .profiles_named(name)
            .into_iter()
            .find(|p| in_repo(&p.location.path))
            .map(|p| &*p.location.path),
        GrantKind::PermissionSet => md
            .permission_sets_named(name)
            .into_iter()
            .find(|p| in_repo(&p.location.path))
            .map(|p| &*p.location.path),
        _ => None,
    };
    found.unwrap_or(path)
}

/// The apps importing each configuration file of the Mule plugins of a
/// scan ([`intguard_model::Inventory::plugin_file_importers`], the list IG303 names at a
/// plugin's connection), for the notes of findings located in one.
pub struct PluginImporters<'a> {
    inventory: &'a intguard_model::Inventory,
    plugins: Vec<&'a MuleApp>,
}

impl<'a> PluginImporters<'a> {
    pub fn new(inventory: &'a intguard_model::Inventory) -> Self {
        PluginImporters {
            inventory,
            plugins: inventory
                .apps
                .iter()
                .filter(|a| a.plugin.is_some())
                .collect(),
        }
    }

    /// ` (this file of Mule plugin common-lib runs in the 2 apps importing
    /// it: orders-sapi, billing-sapi)` for a file of a plugin that apps of
    /// the scan import (in scan order); `None` otherwise.
    pub fn note(&self, path: &str) -> Option<String> {
        for plugin in &self.plugins {
            if !plugin.xml_files.iter().any(|f| f == path) {
                continue;
            }
            let apps: Vec<&str> = self
                .inventory
                .plugin_file_importers(plugin, path)
                .iter()
                .map(|a| a.name.as_str())
                .collect();
            if apps.is_empty() {
                return None;
            }
            let importing = match apps.len() {
                1 => "the app importing it".to_string(),
                n => format!("the {n} apps importing it"),
            };
            return Some(format!(
                " (this file of Mule plugin {} runs in {importing}: {})",
                plugin.name,
                apps.join(", ")
            ));
        }
        None
    }
}

#[cfg(test)]
mod shell_word_tests {
    use super::shell_word;

    #[test]
    fn names_a_shell_reads_are_quoted() {
        assert_eq!(shell_word("./orders-sapi"), "./orders-sapi");
        assert_eq!(shell_word("int.orders@acme.com"), "int.orders@acme.com");
        assert_eq!(shell_word("apps/orders api"), "'apps/orders api'");
        assert_eq!(shell_word("a$(x)`y`"), "'a$(x)`y`'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
        // A placeholder the user replaces is left for them to replace.
        assert_eq!(
            shell_word("<the folder holding x and every app importing it>"),
            "<the folder holding x and every app importing it>"
        );
    }
}
