//! One connection's switch: the new start tag, the properties it reads (in each
//! property file's own syntax, or as global properties), and what it leaves.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;

use intguard_model::expr::placeholders;
use intguard_model::{GlobalProperty, MuleApp, PropertyFile, PropertyFormat, SalesforceConnection};

use crate::secrets::workspace::Workspace;
use crate::secrets::{first_names, in_test_sources, setup, targets, SecretsOptions};
use crate::text::indent_of;
use crate::xml::escape_attr;
use crate::FixError;

use super::element::{element_at, Element};
use super::index::{AppIndex, YamlStyle};
use super::login::{decode_quotes, login_settings, single_reference};
use super::unused::Pending;
use super::{
    applies_to_every_kind, JwtOptions, JwtPlan, Switched, CONSUMER_KEY_PLACEHOLDER, DROPPED,
    ENCRYPTED_PASSWORD_PLACEHOLDER, KEYSTORE_PLACEHOLDER, PASSWORD_PLACEHOLDER, WRITTEN,
};

/// One connection's switch being planned.
pub(super) struct Switch<'a, 'b> {
    pub(super) app: &'a MuleApp,
    pub(super) conn: &'a SalesforceConnection,
    pub(super) options: &'b JwtOptions,
    pub(super) ws: &'b mut Workspace,
    pub(super) out: &'b mut JwtPlan,
    pub(super) added: &'b mut BTreeSet<(String, String)>,
    pub(super) pending: &'b mut Vec<Pending<'a>>,
    /// The app's property definitions, by name.
    pub(super) index: &'b AppIndex<'a>,
    /// How each YAML file given properties writes its keys, by path.
    pub(super) styles: &'b mut HashMap<String, YamlStyle>,
    /// The property the username reads (`${name}`), once known.
    pub(super) user_property: Option<String>,
}

/// Why a connection's switch was not planned: a reason to leave it (listed), or
/// a file that cannot be edited (nothing is written at all, as `fix secrets` does).
pub(super) enum Failure {
    Skip(String),
    Fatal(FixError),
}

impl From<String> for Failure {
    fn from(why: String) -> Self {
        Failure::Skip(why)
    }
}

impl From<&str> for Failure {
    fn from(why: &str) -> Self {
        Failure::Skip(why.to_string())
    }
}

impl From<FixError> for Failure {
    fn from(e: FixError) -> Self {
        Failure::Fatal(e)
    }
}

/// A property to add: name, value (unquoted), and whether it is a placeholder.
#[derive(Clone)]
struct NewProperty {
    name: String,
    value: String,
    placeholder: bool,
}

/// What a switched connection writes for its login ([`Switch::login`]).
struct Login<'a> {
    token_endpoint: Option<String>,
    audience: Option<String>,
    /// Per-file properties derived from a `${...}` login URL: (file, properties).
    file_props: Vec<(String, Vec<NewProperty>)>,
    /// Those to add next to the `<global-property>` that sets the URL.
    global_props: Option<(&'a GlobalProperty, Vec<NewProperty>)>,
}

impl<'a> Switch<'a, '_> {
    pub(super) fn plan(&mut self) -> Result<(), Failure> {
        let app = self.app;
        let conn = self.conn;
        let path = conn.location.path.to_string();
        let text = self
            .ws
            .text(&path)?
            .ok_or_else(|| format!("{path}: not found"))?;
        let element = self
            .ws
            .offset_at(&path, conn.location.line, conn.location.column)?
            .and_then(|at| element_at(&text, at, &conn.element))
            .ok_or("the element is not where it was read: run the scan again")?;
        let username = element
            .attr("username")
            .ok_or("no username attribute: nothing to use as the JWT principal")?;
        if username.raw.trim().is_empty() {
            return Err("an empty username: nothing to use as the JWT principal".into());
        }
        let user_ref = single_reference(&username.raw);
        self.user_property = user_ref.as_ref().map(|(n, _)| n.clone());
        let literal = user_ref.is_none() && is_literal(&username.raw);
        // Named after the username's property; a literal username's, after the
        // connection (two literal usernames in one app get a key each).
        let prefix = match &user_ref {
            Some((name, _)) => name
                .rsplit_once('.')
                .map_or_else(|| "sfdc".to_string(), |(p, _)| p.to_string()),
            None if literal => config_prefix(&conn.config_name),
            None => "sfdc".to_string(),
        };
        let opt = |o: &Option<String>, default: &str| {
            o.clone().unwrap_or_else(|| format!("{prefix}.{default}"))
        };
        let ck_name = opt(&self.options.consumer_key_property, "consumerKey");
        let ks_name = opt(&self.options.keystore_property, "keystore.path");
        let sp_name = opt(&self.options.store_password_property, "keystore.password");
        let secure = app.runtime_secure_config().is_some();
        // Each environment's secure file, for the store password.
        let secure_files: Vec<String> = if secure {
            let files = setup(app, &SecretsOptions::default())
                .and_then(|s| targets(app, &s))
                .map_err(|why| format!("the secure file for {sp_name}: {why}"))?;
            let mut files: Vec<String> = files.into_values().collect();
            files.sort();
            files.dedup();
            files
        } else {
            Vec::new()
        };
        let oauth = conn.is_oauth_user_pass();

        // The property files that define the username: each environment's. A
        // literal or `${secure::...}` username: see [`Placement`].
        let placement = match &user_ref {
            Some((name, false)) => Placement::Files(self.username_files(app, name, &element)),
            Some((name, true)) => beside_secure(app, self.index, name, &element),
            None if literal => for_literal(app, self.index, &element),
            None => Placement::Files(Vec::new()),
        };
        // consumerKey and keyStore read from the secure files (`${secure::...}`).
        let read_secure = matches!(placement, Placement::InSecure(_));
        let plain_targets: Vec<String> = match &placement {
            Placement::Files(f)
            | Placement::Common(f)
            | Placement::PerEnvironment(f)
            | Placement::Beside(f)
            | Placement::InSecure(f) => f.clone(),
        };
        let reference = |name: &str| {
            if read_secure {
                format!("${{secure::{name}}}")
            } else {
                format!("${{{name}}}")
            }
        };

        // consumerKey: an OAuth username-password connection's is kept.
        let kept_consumer_key = if oauth {
            element.attr("consumerKey").map(|a| a.raw.clone())
        } else {
            None
        };
        let mut plain_props: Vec<NewProperty> = Vec::new();
        let consumer_key = match kept_consumer_key {
            Some(raw) => raw,
            None => {
                plain_props.push(NewProperty {
                    name: ck_name.clone(),
                    value: self
                        .options
                        .consumer_key
                        .clone()
                        .unwrap_or_else(|| CONSUMER_KEY_PLACEHOLDER.to_string()),
                    placeholder: self.options.consumer_key.is_none(),
                });
                reference(&ck_name)
            }
        };
        plain_props.push(NewProperty {
            name: ks_name.clone(),
            value: self
                .options
                .keystore
                .clone()
                .unwrap_or_else(|| KEYSTORE_PLACEHOLDER.to_string()),
            placeholder: self.options.keystore.is_none(),
        });
        // A username set by a `<global-property>` (no property file): the new
        // properties become global properties next to it.
        let user_global = match &user_ref {
            Some((name, false)) if plain_targets.is_empty() => self.index.global(name),
            _ => None,
        };
        let store_password = if secure {
            format!("${{secure::{sp_name}}}")
        } else if let Some(gp) = user_global {
            // Not as a global property: its value would be in clear in the XML,
            // where fix secrets does not move it from.
            self.out.notes.push(format!(
                "{}: the app has no secure-properties configuration, so storePassword reads ${{{sp_name}}}, which intguard did not add next to the <global-property> of {} (a password there is in clear in the XML, and intguard fix secrets does not move it): supply {sp_name} at deploy time as a hidden property",
                app.name, gp.name
            ));
            format!("${{{sp_name}}}")
        } else {
            plain_props.push(NewProperty {
                name: sp_name.clone(),
                value: PASSWORD_PLACEHOLDER.to_string(),
                placeholder: true,
            });
            self.out.notes.push(format!(
                "{}: the app has no secure-properties configuration, so storePassword reads ${{{sp_name}}} from its plain property files: once its real value is filled in, run intguard fix secrets to encrypt it (it declares the configuration), or supply {sp_name} at deploy time as a hidden property",
                app.name
            ));
            format!("${{{sp_name}}}")
        };

        // tokenEndpoint and audienceUrl, from the login URL.
        let Login {
            token_endpoint,
            audience,
            file_props: url_props,
            global_props: url_global_props,
        } = self.login(&element, oauth, &prefix);

        // The new start tag.
        let mut groups: Vec<Vec<(String, String)>> = vec![
            vec![
                ("consumerKey".into(), consumer_key),
                ("keyStore".into(), reference(&ks_name)),
            ],
            vec![("storePassword".into(), store_password)],
            vec![("principal".into(), username.raw.clone())],
        ];
        if let Some(alias) = &self.options.certificate_alias {
            groups[1].push(("certificateAlias".into(), escape_attr(alias)));
        }
        if let Some(te) = token_endpoint {
            groups.push(vec![("tokenEndpoint".into(), te)]);
        }
        if let Some(aud) = audience {
            groups.push(vec![("audienceUrl".into(), aud)]);
        }
        let mut kept: Vec<(String, String)> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        let mut dropped_other: Vec<String> = Vec::new();
        for a in &element.attrs {
            let written = WRITTEN.iter().any(|w| w.eq_ignore_ascii_case(&a.name));
            if DROPPED.iter().any(|d| d.eq_ignore_ascii_case(&a.name)) || written {
                if ["sessionId", "serviceEndpoint"]
                    .iter()
                    .any(|d| d.eq_ignore_ascii_case(&a.name))
                {
                    dropped_other.push(a.name.clone());
                }
                continue;
            }
            if !applies_to_every_kind(&a.name) {
                unknown.push(a.name.clone());
            }
            kept.push((a.name.clone(), a.written()));
        }
        let new_name = match conn.element.split_once(':') {
            Some((p, _)) => format!("{p}:jwt-connection"),
            None => "jwt-connection".to_string(),
        };
        let nl = self.ws.eol(&path)?;
        let start_tag = element.new_start_tag(&text, nl, &new_name, &groups, &kept);
        let mut edits: Vec<(Range<usize>, String)> = vec![(element.start_tag.clone(), start_tag)];
        if let Some(close) = &element.close_name {
            edits.push((close.clone(), new_name.clone()));
        }

        // Plan the property files (all checks done: nothing fails after this).
        let work = self.ws.file(&path)?;
        work.replacements.extend(edits);
        let place = format!("{}:{}", path, conn.location.line);
        self.out.plan.actions.push(format!(
            "switch `{}` ({place}) from <{}> to <{new_name}>, principal {}",
            conn.config_name,
            conn.element,
            crate::xml::attr_value_as_parsed(&username.raw).unwrap_or_default()
        ));
        if !element.children.is_empty() {
            self.out.plan.actions.push(format!(
                "keep `{}`'s nested {} unchanged (every connection kind takes them)",
                conn.config_name,
                element
                    .children
                    .iter()
                    .map(|c| format!("<{c}>"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !dropped_other.is_empty() {
            self.out.notes.push(format!(
                "{place}: `{}`: dropped {} (no jwt-connection attribute: a JWT login gets its session and endpoint from the token response)",
                conn.config_name,
                dropped_other.join(", ")
            ));
        }
        if !unknown.is_empty() {
            self.out.notes.push(format!(
                "{place}: `{}`: kept {} as written, which intguard's reference does not list for salesforce:jwt-connection: check the connector's documentation before deploying",
                conn.config_name,
                unknown.join(", ")
            ));
        }
        if self.options.certificate_alias.is_none() {
            self.out.notes.push(format!(
                "{place}: `{}`: no certificateAlias written (the keystore's only key is used); give --certificate-alias when the keystore holds several",
                conn.config_name
            ));
        }

        let mut plain_files: BTreeMap<String, Vec<NewProperty>> = BTreeMap::new();
        for f in &plain_targets {
            plain_files.entry(f.clone()).or_default();
        }
        if let Some(gp) = user_global {
            self.add_global_properties(gp, &plain_props)?;
        } else if plain_targets.is_empty() {
            let names: Vec<String> = plain_props.iter().map(|p| p.name.clone()).collect();
            let note = match &user_ref {
                None if literal => literal_without_files(conn, &path, &plain_props),
                _ => format!(
                    "{place}: `{}`: the username is {}, so intguard added {} to no file: define them where the app's properties are set (or at deploy time) before deploying",
                    conn.config_name,
                    match &user_ref {
                        Some((name, true)) => format!("${{secure::{name}}}, which no loaded secure property file defines"),
                        Some((name, false)) => format!("${{{name}}}, which no loaded property file or <global-property> defines"),
                        None => "an expression, not a single ${...} reference".to_string(),
                    },
                    names.join(", ")
                ),
            };
            self.out.notes.push(note);
        } else {
            if let Some(why) = placement.why(&user_ref, &plain_props) {
                self.out
                    .notes
                    .push(format!("{place}: `{}`: {why}", conn.config_name));
            }
            for f in &plain_targets {
                plain_files
                    .get_mut(f)
                    .expect("inserted")
                    .extend(plain_props.iter().map(|p| NewProperty {
                        name: p.name.clone(),
                        value: p.value.clone(),
                        placeholder: p.placeholder,
                    }));
            }
        }
        if let Some((gp, props)) = url_global_props {
            self.add_global_properties(gp, &props)?;
        }
        for (file, props) in url_props {
            plain_files.entry(file).or_default().extend(props);
        }
        for (file, props) in plain_files {
            self.add_properties(&file, props, false)?;
        }
        for f in &secure_files {
            self.add_properties(
                f,
                vec![NewProperty {
                    name: sp_name.clone(),
                    value: ENCRYPTED_PASSWORD_PLACEHOLDER.to_string(),
                    placeholder: true,
                }],
                true,
            )?;
        }
        self.hide_in_runtime_manager(&sp_name, &place)?;

        let mut secrets = vec!["password", "securityToken"];
        if oauth {
            secrets.push("consumerSecret");
        }
        self.pending.push(Pending {
            app,
            config_name: conn.config_name.clone(),
            path: path.clone(),
            start_tag: element.start_tag.clone(),
            secrets: secrets
                .into_iter()
                .filter_map(|attr| {
                    let a = element.attr(attr)?;
                    Some((
                        attr,
                        crate::xml::attr_value_as_parsed(&a.raw).unwrap_or_default(),
                    ))
                })
                .collect(),
        });
        let mut users: Vec<String> = conn
            .username()
            .map(|v| app.resolve_all(v))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| r.value)
            // An encrypted value (`![...]`, a `${secure::...}` username's) is
            // no username to tell: the principal is told instead.
            .filter(|u| {
                let u = u.trim();
                let encrypted = u.starts_with("![") && u.ends_with(']');
                !u.is_empty() && !encrypted
            })
            .collect();
        users.sort();
        users.dedup();
        self.out.switched.push(Switched {
            users,
            app_root: app.root.clone(),
            config_name: conn.config_name.clone(),
            path,
            principal: crate::xml::attr_value_as_parsed(&username.raw).unwrap_or_default(),
        });
        Ok(())
    }

    /// The `tokenEndpoint` and `audienceUrl` the new start tag writes, from the login URL
    /// (a basic connection's `url`; an OAuth username-password connection keeps its
    /// `tokenEndpoint`), and the properties a `${...}` URL has them read (named after
    /// `prefix`). A URL they cannot be derived from leaves them to their defaults, with a
    /// note.
    fn login(&mut self, element: &Element, oauth: bool, prefix: &str) -> Login<'a> {
        let conn = self.conn;
        let path = conn.location.path.as_str();
        let (login_attr, keep_token_endpoint) = if oauth {
            ("tokenEndpoint", true)
        } else {
            ("url", false)
        };
        let mut token_endpoint: Option<String> = if keep_token_endpoint {
            element.attr("tokenEndpoint").map(|a| a.raw.clone())
        } else {
            None
        };
        let mut audience: Option<String> = None;
        // Per-file properties derived from a `${...}` login URL: (file, properties).
        let mut url_props: Vec<(String, Vec<NewProperty>)> = Vec::new();
        // Those to add next to the `<global-property>` that sets the URL.
        let mut url_global_props: Option<(&GlobalProperty, Vec<NewProperty>)> = None;
        if let Some(url) = element.attr(login_attr) {
            let raw = crate::xml::attr_value_as_parsed(&url.raw).unwrap_or_default();
            let leave = |why: &str| {
                format!(
                    "{}: `{}` tokenEndpoint and audienceUrl left to their defaults (production login): {login_attr} {why}; for a sandbox or My Domain login set them by hand",
                    path, conn.config_name
                )
            };
            if placeholders(&raw).is_empty() && !raw.trim_start().starts_with("#[") {
                match login_settings(&raw) {
                    Some((endpoint, aud)) => {
                        if !keep_token_endpoint {
                            token_endpoint = endpoint.map(|e| escape_attr(&e));
                        }
                        audience = aud.map(|a| escape_attr(&a));
                    }
                    None => self
                        .out
                        .notes
                        .push(leave("is not an https:// Salesforce URL intguard can read")),
                }
            } else if let Some((name, false)) = single_reference(&raw) {
                let files: Vec<_> = self
                    .index
                    .files_defining(&name)
                    .filter(|(f, _)| f.loaded && f.read_by(false) && !in_test_sources(&f.path))
                    .map(|(f, d)| (f.path.to_string(), f.entries[d.first].value().to_string()))
                    .collect();
                // Set by a `<global-property>` instead (no property file): its
                // value, the properties derived going next to it (`""`: no file).
                let url_global = self.index.global(&name).filter(|_| files.is_empty());
                let files = match url_global {
                    Some(gp) if placeholders(&gp.value.raw).is_empty() => {
                        vec![(String::new(), gp.value.raw.clone())]
                    }
                    _ => files,
                };
                // The production login host everywhere: the defaults, nothing to write.
                let all_default = !files.is_empty()
                    && files
                        .iter()
                        .all(|(_, value)| login_settings(value) == Some((None, None)));
                let derived: Option<Vec<_>> = files
                    .iter()
                    .map(|(file, value)| {
                        let (endpoint, aud) = login_settings(value)?;
                        let endpoint = endpoint.unwrap_or_else(|| {
                            "https://login.salesforce.com/services/oauth2/token".to_string()
                        });
                        let aud =
                            aud.unwrap_or_else(|| salesforce_auth::PRODUCTION_AUDIENCE.to_string());
                        Some((file.clone(), endpoint, aud))
                    })
                    .collect();
                match derived {
                    _ if all_default => {}
                    Some(d) if !d.is_empty() => {
                        let te_name = format!("{prefix}.tokenEndpoint");
                        let aud_name = format!("{prefix}.audienceUrl");
                        for (file, endpoint, aud) in d {
                            let mut props = vec![NewProperty {
                                name: aud_name.clone(),
                                value: aud,
                                placeholder: false,
                            }];
                            if !keep_token_endpoint {
                                props.insert(
                                    0,
                                    NewProperty {
                                        name: te_name.clone(),
                                        value: endpoint,
                                        placeholder: false,
                                    },
                                );
                            }
                            match url_global {
                                Some(gp) if file.is_empty() => url_global_props = Some((gp, props)),
                                _ => url_props.push((file, props)),
                            }
                        }
                        if !keep_token_endpoint {
                            token_endpoint = Some(format!("${{{te_name}}}"));
                        }
                        audience = Some(format!("${{{aud_name}}}"));
                    }
                    _ if files.is_empty() => self.out.notes.push(leave(&match url_global {
                        Some(gp) => format!(
                            "reads ${{{name}}}, which the <global-property> at {}:{} sets to an expression intguard does not derive from",
                            gp.location.path, gp.location.line
                        ),
                        None => format!(
                            "reads ${{{name}}}, which no loaded property file or <global-property> of the app sets"
                        ),
                    })),
                    _ => self.out.notes.push(leave(&format!(
                        "reads ${{{name}}}, which is not an https:// Salesforce URL in every place that sets it"
                    ))),
                }
            } else {
                self.out
                    .notes
                    .push(leave("is an expression intguard does not derive from"));
            }
        }
        Login {
            token_endpoint,
            audience,
            file_props: url_props,
            global_props: url_global_props,
        }
    }

    /// Adds `props` to the property file `path` (its format told by its name),
    /// leaving out the names it defines already; `secure`: they are read as
    /// `${secure::name}`.
    fn add_properties(
        &mut self,
        path: &str,
        props: Vec<NewProperty>,
        secure: bool,
    ) -> Result<(), FixError> {
        let format = property_format(path);
        let index = self.index;
        // A file of that path defines the name.
        let existing = |name: &str| index.files_defining(name).any(|(f, _)| f.path == path);
        // Another loaded file of the same kind, read whenever this one is (one of
        // them is every environment's, or both are the same environment's): its
        // definition is what the connection reads already, or would be shadowed
        // by the one added here, whichever Mule reads first.
        let this = self.app.property_files.iter().find(|f| f.path == path);
        let elsewhere = |name: &str| -> Option<String> {
            let this = this?;
            index
                .files_defining(name)
                .filter(|(_, d)| d.read)
                .map(|(f, _)| f)
                .find(|f| {
                    f.path != path
                        && f.loaded
                        && f.read_by(secure)
                        && !in_test_sources(&f.path)
                        && (f.environment.is_none()
                            || this.environment.is_none()
                            || f.environment == this.environment)
                })
                .map(|f| f.path.to_string())
        };
        let mut names = Vec::new();
        let mut placeholders = Vec::new();
        let mut inserts = Vec::new();
        let mut kept = Vec::new();
        // The environments' own files that lack a property one environment's
        // file defines already: (file, property), added once this file is done.
        let mut for_lacking: BTreeMap<String, Vec<NewProperty>> = BTreeMap::new();
        for p in props {
            if existing(&p.name) {
                if self.added.insert((path.to_string(), p.name.clone())) {
                    kept.push(p.name);
                }
                continue;
            }
            // A `<global-property>` of that name: a property file's entry
            // would override it or be dead (which Mule reads first is not in
            // intguard's reference); either way it is not added.
            let set_globally = index.global(&p.name).map(|g| {
                format!(
                    "the <global-property> at {}:{}",
                    g.location.path, g.location.line
                )
            });
            if let Some(other) = elsewhere(&p.name).or(set_globally) {
                if self.added.insert((other.clone(), p.name.clone())) {
                    // Defined by one environment's file only: the others'
                    // own files get it (a value to fill in), and an
                    // environment with no file of its own is named.
                    // The files read as these properties are.
                    let kind = this.map(|_| secure);
                    let missing = if set_globally_or_common(index, &p.name, kind) {
                        String::new()
                    } else {
                        let lacking: Vec<&str> = self
                            .app
                            .environments
                            .iter()
                            .filter(|env| !defined_in(index, &p.name, env, kind))
                            .map(String::as_str)
                            .collect();
                        let mut added_to = Vec::new();
                        let mut without_file = Vec::new();
                        for env in lacking {
                            match environment_file(self.app, env, kind) {
                                Some(file) => {
                                    added_to.push(file.to_string());
                                    for_lacking
                                        .entry(file.to_string())
                                        .or_default()
                                        .push(p.clone());
                                }
                                None => without_file.push(env),
                            }
                        }
                        let mut missing = String::new();
                        if !added_to.is_empty() {
                            missing.push_str(&format!(
                                "; added to {} (the environments that lack it)",
                                added_to.join(", ")
                            ));
                        }
                        if !without_file.is_empty() {
                            missing.push_str(&format!(
                                "; no file of {} defines it: add it to that environment's properties",
                                without_file.join(", ")
                            ));
                        }
                        missing
                    };
                    self.out.notes.push(format!(
                        "{other}: {} defined already: `{}` reads it as it is, so it is not added to {path} (check it is the connected app's or keystore's){missing}",
                        p.name, self.conn.config_name
                    ));
                }
                continue;
            }
            if !self.added.insert((path.to_string(), p.name.clone())) {
                continue;
            }
            if p.placeholder {
                placeholders.push(p.name.clone());
            }
            names.push(p.name.clone());
            inserts.push((p.name.clone(), written_value(format, &p.value)));
        }
        for (file, props) in for_lacking {
            self.add_properties(&file, props, secure)?;
        }
        if !kept.is_empty() {
            self.out.notes.push(format!(
                "{path}: {} defined already: `{}` reads {} as {} (check {} the connected app's and keystore's)",
                kept.join(", "),
                self.conn.config_name,
                if kept.len() == 1 { "it" } else { "them" },
                if kept.len() == 1 { "it is" } else { "they are" },
                if kept.len() == 1 { "it is" } else { "they are" },
            ));
        }
        if inserts.is_empty() {
            return Ok(());
        }
        let dotted = format == PropertyFormat::Yaml && {
            if !self.styles.contains_key(path) {
                let style = YamlStyle::of(self.ws.text(path)?.as_deref().unwrap_or(""));
                self.styles.insert(path.to_string(), style);
            }
            self.styles[path].dotted(self.user_property.as_deref())
        };
        let work = self.ws.file(path)?;
        work.format = Some(format);
        work.dotted_yaml |= dotted;
        work.inserts.extend(inserts);
        let fill = to_fill_in(&placeholders);
        self.out
            .plan
            .actions
            .push(format!("add {} to {path}{fill}", first_names(&names)));
        Ok(())
    }

    /// The plain files a `${name}` username's new properties go to: those
    /// that define the username, and, as the switched connection reads them
    /// in every environment, one file of each environment whose files do not
    /// (it takes the reference's default, `${sf.user:svc@acme.com}`, or a
    /// value given at deploy time): left out, Mule could not resolve the
    /// keystore there. Empty when no file defines the username (a note says
    /// where to define them instead).
    fn username_files(&self, app: &MuleApp, name: &str, element: &Element) -> Vec<String> {
        let defining: Vec<&PropertyFile> = self
            .index
            .files_defining(name)
            .map(|(f, _)| f)
            .filter(|f| plain_loaded(f))
            .collect();
        let mut files: Vec<String> = defining.iter().map(|f| f.path.to_string()).collect();
        if files.is_empty() || defining.iter().any(|f| f.environment.is_none()) {
            return files;
        }
        let covered: BTreeSet<&str> = defining
            .iter()
            .filter_map(|f| f.environment.as_deref())
            .collect();
        let reading = self.index.files_defining_any(&element_reads(element));
        files.extend(per_environment(app, &reading, |env| !covered.contains(env)));
        files
    }

    /// Adds `props` as `<global-property>` elements after `gp`, with its indentation,
    /// leaving out the names the app sets already.
    fn add_global_properties(
        &mut self,
        gp: &GlobalProperty,
        props: &[NewProperty],
    ) -> Result<(), FixError> {
        let path = gp.location.path.to_string();
        let Some(text) = self.ws.text(&path)? else {
            return Err(FixError(format!("{path}: not found")));
        };
        let n = gp.location.line as usize;
        let Some(start) = self.ws.offset_at(&path, gp.location.line, 1)? else {
            return Err(FixError(format!(
                "{path}:{n}: the <global-property> is not where it was read: run the scan again"
            )));
        };
        // The end of the line where the element ends.
        let close = text[start..]
            .find("/>")
            .map(|i| start + i + 2)
            .filter(|&e| !text[start..e].contains("</"))
            .or_else(|| {
                text[start..]
                    .find("</global-property>")
                    .map(|i| start + i + "</global-property>".len())
            })
            .ok_or_else(|| {
                FixError(format!(
                    "{path}:{n}: cannot find the end of the <global-property>"
                ))
            })?;
        let at = text[close..]
            .find(['\r', '\n'])
            .map_or(text.len(), |i| close + i);
        // The line's text, without its line ending (as `Lines::get`).
        let line = text[start..]
            .split('\n')
            .next()
            .unwrap_or_default()
            .trim_end_matches(['\n', '\r']);
        let indent = &line[..indent_of(line)];
        let nl = self.ws.eol(&path)?;
        let mut insert = String::new();
        let mut names = Vec::new();
        let mut placeholders = Vec::new();
        for p in props {
            if self.index.global(&p.name).is_some()
                || self.index.is_defined(&p.name)
                || !self.added.insert((path.clone(), p.name.clone()))
            {
                continue;
            }
            insert.push_str(&format!(
                "{nl}{indent}<global-property name=\"{}\" value=\"{}\"/>",
                escape_attr(&p.name),
                escape_attr(&p.value)
            ));
            names.push(p.name.clone());
            if p.placeholder {
                placeholders.push(p.name.clone());
            }
        }
        if names.is_empty() {
            return Ok(());
        }
        self.ws.file(&path)?.replacements.push((at..at, insert));
        let fill = to_fill_in(&placeholders);
        self.out.plan.actions.push(format!(
            "add {} as <global-property> elements after {}'s, {path}:{n}{fill}",
            first_names(&names),
            gp.name
        ));
        Ok(())
    }

    /// Lists `name` in mule-artifact.json `secureProperties`, so that Runtime Manager
    /// hides its value (IG107).
    fn hide_in_runtime_manager(&mut self, name: &str, place: &str) -> Result<(), FixError> {
        let app = self.app;
        let declared = app.declared_secure_properties.clone().unwrap_or_default();
        match app
            .descriptor
            .as_ref()
            .filter(|d| d.path.ends_with("mule-artifact.json"))
        {
            _ if app.domain || declared.iter().any(|d| d == name) => {}
            Some(d) => {
                let path = d.path.to_string();
                if self.added.insert((path.clone(), name.to_string())) {
                    self.ws.file(&path)?.artifact_names.push(name.to_string());
                    self.out
                        .plan
                        .actions
                        .push(format!("list {name} in {path} secureProperties"));
                }
            }
            None => self.out.notes.push(format!(
                "{place}: no mule-artifact.json: list {name} in secureProperties by hand"
            )),
        }
        Ok(())
    }
}

/// Where the properties a connection's consumerKey and keyStore read go (and its
/// store password, without a secure-properties configuration).
enum Placement {
    /// The plain files that define the username's `${...}` property: each
    /// environment's, or none (another note says why).
    Files(Vec<String>),
    /// A literal username: the one plain file every environment loads (no
    /// `${env}` in its import).
    Common(Vec<String>),
    /// A literal username, and no file every environment loads: one plain file
    /// of each environment.
    PerEnvironment(Vec<String>),
    /// A `${secure::...}` username: the plain files loaded beside the secure
    /// files that define it (the same environment's).
    Beside(Vec<String>),
    /// A `${secure::...}` username, some secure file of which has no plain file
    /// beside it: the secure files that define it, read as `${secure::...}`.
    InSecure(Vec<String>),
}

impl Placement {
    /// Why the files were chosen, as a note (`None`: the username's own files).
    fn why(&self, user_ref: &Option<(String, bool)>, props: &[NewProperty]) -> Option<String> {
        let names = props
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let user = match user_ref {
            Some((name, _)) => format!("${{secure::{name}}}"),
            None => "written as a literal".to_string(),
        };
        Some(match self {
            Placement::Files(_) => return None,
            Placement::Common(f) => format!(
                "the username is {user}, so {names} (named after the connection) go to {}, the property file every environment loads; the principal stays the literal username",
                f.join(", ")
            ),
            Placement::PerEnvironment(f) => format!(
                "the username is {user} and no property file is loaded in every environment, so {names} (named after the connection) go to each environment's file: {} (fill in each environment's values); the principal stays the literal username",
                f.join(", ")
            ),
            Placement::Beside(f) => format!(
                "the username is {user}, so {names} (no secrets) go to the plain property file loaded beside each secure file that defines it: {}",
                f.join(", ")
            ),
            Placement::InSecure(f) => format!(
                "the username is {user} and not every secure file that defines it has a plain property file loaded beside it, so {names} go to those secure files, {}, unencrypted (they are no secrets), and consumerKey and keyStore read them as ${{secure::...}}",
                f.join(", ")
            ),
        })
    }
}

/// A plain property file the app loads (not in test sources).
fn plain_loaded(f: &PropertyFile) -> bool {
    f.loaded && f.read_by(false) && !in_test_sources(&f.path)
}

/// The properties the connection element reads (its password, url, ...).
fn element_reads(element: &Element) -> BTreeSet<String> {
    element
        .attrs
        .iter()
        .flat_map(|a| placeholders(&decode_quotes(&a.raw)))
        .map(|p| p.name)
        .collect()
}

/// One of `files` (the app's, with their indices): the first by path of those
/// defining a property the connection reads (`reading`: the files defining
/// one, where its password or url is set), or else of all.
fn choose<'f>(
    files: impl Iterator<Item = (usize, &'f PropertyFile)>,
    reading: &HashSet<usize>,
) -> Option<&'f PropertyFile> {
    files
        .min_by_key(|(i, f)| (!reading.contains(i), f.path.to_string()))
        .map(|(_, f)| f)
}

/// One plain file of each environment of the app that `wanted` keeps (by
/// [`choose`]), in the environments' order.
fn per_environment(
    app: &MuleApp,
    reading: &HashSet<usize>,
    wanted: impl Fn(&str) -> bool,
) -> Vec<String> {
    let envs: BTreeSet<&str> = app
        .property_files
        .iter()
        .filter(|f| plain_loaded(f))
        .filter_map(|f| f.environment.as_deref())
        .filter(|env| wanted(env))
        .collect();
    envs.into_iter()
        .filter_map(|env| {
            choose(
                app.property_files
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| plain_loaded(f) && f.environment.as_deref() == Some(env)),
                reading,
            )
        })
        .map(|f| f.path.to_string())
        .collect()
}

/// A literal username's files: the plain file every environment loads, or else
/// one of each environment's.
fn for_literal(app: &MuleApp, index: &AppIndex<'_>, element: &Element) -> Placement {
    let reading = index.files_defining_any(&element_reads(element));
    let common = choose(
        app.property_files
            .iter()
            .enumerate()
            .filter(|(_, f)| plain_loaded(f) && f.environment.is_none()),
        &reading,
    );
    match common {
        Some(f) => Placement::Common(vec![f.path.to_string()]),
        None => {
            let files = per_environment(app, &reading, |_| true);
            if files.is_empty() {
                Placement::Files(Vec::new())
            } else {
                Placement::PerEnvironment(files)
            }
        }
    }
}

/// A `${secure::name}` username's files: the plain file of each secure file's
/// environment that defines it, or those secure files themselves.
fn beside_secure(app: &MuleApp, index: &AppIndex<'_>, name: &str, element: &Element) -> Placement {
    let reading = index.files_defining_any(&element_reads(element));
    let secure: Vec<&PropertyFile> = index
        .files_defining(name)
        .map(|(f, _)| f)
        .filter(|f| f.loaded && f.secure && !in_test_sources(&f.path))
        .collect();
    if secure.is_empty() {
        return Placement::Files(Vec::new());
    }
    let beside: Option<Vec<String>> = secure
        .iter()
        .map(|s| {
            choose(
                app.property_files
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| plain_loaded(f) && f.environment == s.environment),
                &reading,
            )
            .map(|f| f.path.to_string())
        })
        .collect();
    match beside {
        Some(mut files) => {
            files.sort();
            files.dedup();
            Placement::Beside(files)
        }
        None => {
            let mut files: Vec<String> = secure.iter().map(|f| f.path.to_string()).collect();
            files.sort();
            files.dedup();
            Placement::InSecure(files)
        }
    }
}

/// Whether a username as written is a literal: no property reference, no
/// expression.
fn is_literal(raw: &str) -> bool {
    placeholders(&decode_quotes(raw)).is_empty() && !raw.trim_start().starts_with("#[")
}

/// A property-name prefix from a config name: the characters a `${...}` cannot
/// read made `_`.
fn config_prefix(config: &str) -> String {
    let p: String = config
        .trim()
        .trim_matches('.')
        .chars()
        .map(|c| {
            if c.is_whitespace() || "${}\"'<>&:#[]()=".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    if p.is_empty() {
        "sfdc".to_string()
    } else {
        p
    }
}

/// The note for a literal username in an app that loads no plain property file:
/// what to add, and where.
fn literal_without_files(conn: &SalesforceConnection, path: &str, props: &[NewProperty]) -> String {
    let lines: Vec<String> = props
        .iter()
        .map(|p| format!("{}: \"{}\"", p.name, p.value))
        .collect();
    format!(
        "{path}:{}: `{}`: the username is written as a literal and the app loads no property file, so intguard added no property: create src/main/resources/config.yaml holding {} (fill in the values), load it with <configuration-properties file=\"config.yaml\"/> next to `{}` in {path}, and run intguard scan; or set {} at deploy time",
        conn.location.line,
        conn.config_name,
        lines.join("; "),
        conn.config_name,
        props
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Whether `name` is set for every environment: by a `<global-property>`, or by
/// a loaded file that every environment loads, read as `secure::` or not as
/// `kind` says (`None`: either).
fn set_globally_or_common(index: &AppIndex<'_>, name: &str, kind: Option<bool>) -> bool {
    index.global(name).is_some()
        || index.files_defining(name).any(|(f, d)| {
            d.read
                && f.loaded
                && f.environment.is_none()
                && kind.is_none_or(|secure| f.read_by(secure))
                && !in_test_sources(&f.path)
        })
}

/// The first (by path) loaded file of `kind` (as [`set_globally_or_common`])
/// that environment `env` alone loads, outside test sources.
fn environment_file<'a>(app: &'a MuleApp, env: &str, kind: Option<bool>) -> Option<&'a str> {
    app.property_files
        .iter()
        .filter(|f| {
            f.loaded
                && f.environment.as_deref() == Some(env)
                && kind.is_none_or(|secure| f.read_by(secure))
                && !in_test_sources(&f.path)
        })
        .map(|f| f.path.as_str())
        .min()
}

/// Whether a loaded file of `kind` (as [`set_globally_or_common`]) defines
/// `name` in environment `env`.
fn defined_in(index: &AppIndex<'_>, name: &str, env: &str, kind: Option<bool>) -> bool {
    index.files_defining(name).any(|(f, d)| {
        d.read
            && f.loaded
            && f.environment.as_deref().is_none_or(|e| e == env)
            && kind.is_none_or(|secure| f.read_by(secure))
            && !in_test_sources(&f.path)
    })
}

/// The placeholders an action leaves for the user to fill in, as its suffix.
fn to_fill_in(placeholders: &[impl AsRef<str>]) -> String {
    if placeholders.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = placeholders.iter().map(AsRef::as_ref).collect();
    format!(" (placeholder values to fill in: {})", names.join(", "))
}

fn property_format(path: &str) -> PropertyFormat {
    if path.ends_with(".properties") {
        PropertyFormat::Properties
    } else {
        PropertyFormat::Yaml
    }
}

/// A value as written in a file of `format`: double-quoted in YAML, escaped in
/// `.properties`.
fn written_value(format: PropertyFormat, value: &str) -> String {
    match format {
        PropertyFormat::Yaml => format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")),
        PropertyFormat::Properties => {
            let mut out = String::with_capacity(value.len());
            for (i, c) in value.chars().enumerate() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    ' ' if i == 0 => out.push_str("\\ "),
                    '\n' => out.push_str("\\n"),
                    c => out.push(c),
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_values() {
        assert_eq!(
            written_value(PropertyFormat::Yaml, "<a \"b\">"),
            "\"<a \\\"b\\\">\""
        );
        assert_eq!(
            written_value(PropertyFormat::Properties, " a\\b"),
            "\\ a\\\\b"
        );
    }
}
