//! One reader per metadata type, each a [`Handler`] of the streaming walk
//! that keeps only what the model needs.

use intguard_model::{
    ConnectedApp, ConnectedAppOauth, ConnectedAppSettings, Diagnostic, EcaGlobalOauth,
    EcaOauthPolicies, EcaOauthSettings, EcaPolicies, IpRange, Located, Location, NamedFlag,
    OauthFlag, OauthOidcSettings, ObjectPermission, OrgPasswordPolicies, PermissionSetGroup,
    ProfilePasswordPolicy, ProfileSessionSetting, SecuritySettings, SessionSettings,
};

use super::xml::{parse_bool, walk, Handler, Leaf, Leaves, Pos};

/// What a profile, permission set, muting permission set or a part of a
/// decomposed permission set says about access.
#[derive(Debug, Default, Clone)]
pub(crate) struct AccessFacts {
    pub label: Option<String>,
    /// `userLicense` (profiles) or `license` (permission sets).
    pub license: Option<Located<String>>,
    pub custom: Option<bool>,
    pub description: Option<String>,
    pub user_permissions: Vec<NamedFlag>,
    pub object_permissions: Vec<ObjectPermission>,
    pub login_ip_ranges: Vec<IpRange>,
}

struct AccessHandler<'a> {
    path: &'a str,
    /// For `objectSettings/<Object>.objectSettings-meta.xml`: the object
    /// named by the file, when entries omit `<object>`.
    default_object: Option<&'a str>,
    facts: AccessFacts,
    diagnostics: Vec<Diagnostic>,
}

impl<'t> Handler<'t> for AccessHandler<'_> {
    fn wants(&self, path: &[&'t str]) -> bool {
        match path {
            [] => true,
            [one] => matches!(
                *one,
                "userPermissions" | "objectPermissions" | "loginIpRanges"
            ),
            _ => false,
        }
    }

    fn element(&mut self, path: &[&'t str], leaves: Vec<Leaf<'t>>, pos: Pos) {
        let l = Leaves::new(&leaves, self.path);
        match path {
            [] => {
                self.facts.label = l.str("label");
                self.facts.license = l.located("userLicense").or_else(|| l.located("license"));
                self.facts.custom = l.get("custom").and_then(|c| parse_bool(&c.value));
                self.facts.description = l.str("description");
            }
            // Only enabled permissions grant (or, in a muting set, mute).
            ["userPermissions"] => match l.get("enabled").map(|e| (e, parse_bool(&e.value))) {
                Some((_, Some(true))) => {
                    if let Some(name) = l.str("name") {
                        self.facts.user_permissions.push(NamedFlag {
                            name,
                            location: l.loc(pos),
                        });
                    }
                }
                // `<enabled>yes</enabled>`: Salesforce refuses the file on
                // deploy; a permission silently taken as disabled would
                // hide a ModifyAllData someone meant to grant.
                Some((e, None)) => self.diagnostics.push(
                    Diagnostic::warning(
                        "metadata-value",
                        self.path,
                        format!(
                            "<enabled> of <userPermissions> {} is `{}`, not true or false: Salesforce rejects the file on deploy; not counted as granted",
                            l.str("name").unwrap_or_default(),
                            e.value.trim()
                        ),
                    )
                    .at(e.pos.0, e.pos.1),
                ),
                _ => {}
            },
            ["objectPermissions"] => {
                let Some(object) = l.str("object").or(self.default_object.map(str::to_string))
                else {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "metadata-value",
                            self.path,
                            "<objectPermissions> without <object>: ignored",
                        )
                        .at(pos.0, pos.1),
                    );
                    return;
                };
                self.facts.object_permissions.push(ObjectPermission {
                    object,
                    read: l.flag("allowRead"),
                    create: l.flag("allowCreate"),
                    edit: l.flag("allowEdit"),
                    delete: l.flag("allowDelete"),
                    view_all: l.flag("viewAllRecords"),
                    modify_all: l.flag("modifyAllRecords"),
                    view_all_fields: l.flag("viewAllFields"),
                    location: l.loc(pos),
                });
            }
            ["loginIpRanges"] => {
                if let Some(r) = ip_range(
                    &l,
                    pos,
                    "loginIpRanges",
                    ("startAddress", "endAddress"),
                    &mut self.diagnostics,
                ) {
                    self.facts.login_ip_ranges.push(r);
                }
            }
            _ => {}
        }
    }
}

/// The range of the `<element>` at `pos` (its ends named `start` and
/// `end`). A range Salesforce would reject on deploy (`10.0.0.300`, a start
/// after the end) is reported at the element and kept as written: it is
/// no range to the rules ([`IpRange::is_valid`]).
fn ip_range(
    l: &Leaves<'_, '_>,
    pos: Pos,
    element: &str,
    (start, end): (&str, &str),
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<IpRange> {
    let s = l.str(start).or_else(|| l.str("start"))?;
    let e = l
        .str(end)
        .or_else(|| l.str("end"))
        .unwrap_or_else(|| s.clone());
    let range = IpRange {
        start: s,
        end: e,
        description: l.str("description"),
        location: l.loc(pos),
    };
    if let Some(why) = range.invalid_reason() {
        diagnostics.push(
            Diagnostic::warning(
                "metadata-value",
                l.path,
                format!(
                    "invalid <{element}>: {why}; Salesforce rejects the range on deploy, so it is not counted as one"
                ),
            )
            .at(pos.0, pos.1),
        );
    }
    Some(range)
}

/// The root element and the diagnostics of a walk.
pub(crate) struct Parsed<T> {
    pub root: Option<String>,
    pub root_location: Location,
    pub value: T,
    pub diagnostics: Vec<Diagnostic>,
}

fn finish<T>(
    walked: super::xml::Walked<'_>,
    path: &str,
    value: T,
    mut diagnostics: Vec<Diagnostic>,
) -> Parsed<T> {
    let mut all = walked.diagnostics;
    all.append(&mut diagnostics);
    Parsed {
        root: walked.root.map(str::to_string),
        root_location: Location::new(path, walked.root_pos.0, walked.root_pos.1),
        value,
        diagnostics: all,
    }
}

pub(crate) fn read_access(
    text: &str,
    path: &str,
    default_object: Option<&str>,
) -> Parsed<AccessFacts> {
    let mut h = AccessHandler {
        path,
        default_object,
        facts: AccessFacts::default(),
        diagnostics: Vec::new(),
    };
    let w = walk(text, path, &mut h);
    finish(w, path, h.facts, h.diagnostics)
}

// ---------------------------------------------------------------------------

/// Root-level leaves only (with optional wanted compound paths), for the
/// small types.
struct RootHandler<'t> {
    wanted: &'static [&'static [&'static str]],
    root: Vec<Leaf<'t>>,
    elements: Vec<(Vec<&'t str>, Vec<Leaf<'t>>, Pos)>,
}

impl<'t> Handler<'t> for RootHandler<'t> {
    fn wants(&self, path: &[&'t str]) -> bool {
        path.is_empty() || self.wanted.contains(&path)
    }

    fn element(&mut self, path: &[&'t str], leaves: Vec<Leaf<'t>>, pos: Pos) {
        if path.is_empty() {
            self.root = leaves;
        } else {
            self.elements.push((path.to_vec(), leaves, pos));
        }
    }
}

struct Small<'t> {
    root: Vec<Leaf<'t>>,
    elements: Vec<(Vec<&'t str>, Vec<Leaf<'t>>, Pos)>,
    walked: super::xml::Walked<'t>,
}

fn read_small<'t>(
    text: &'t str,
    path: &str,
    wanted: &'static [&'static [&'static str]],
) -> Small<'t> {
    let mut h = RootHandler {
        wanted,
        root: Vec::new(),
        elements: Vec::new(),
    };
    let walked = walk(text, path, &mut h);
    Small {
        root: h.root,
        elements: h.elements,
        walked,
    }
}

fn oauth_flags(l: &Leaves<'_, '_>, skip: &[&str]) -> Vec<OauthFlag> {
    l.leaves
        .iter()
        .filter(|x| {
            (x.name.starts_with("is") || x.name.starts_with("should")) && !skip.contains(&x.name)
        })
        .filter_map(|x| {
            Some(OauthFlag {
                name: x.name.to_string(),
                value: parse_bool(&x.value)?,
                location: l.loc(x.pos),
            })
        })
        .collect()
}

/// `.connectedApp`.
pub(crate) fn read_connected_app(text: &str, path: &str, name: &str) -> Parsed<ConnectedApp> {
    const WANTED: &[&[&str]] = &[
        &["oauthConfig"],
        &["oauthPolicy"],
        &["ipRanges"],
        &["samlConfig"],
    ];
    let s = read_small(text, path, WANTED);
    let mut diagnostics = Vec::new();
    let root = Leaves::new(&s.root, path);
    let mut app = ConnectedApp {
        name: name.to_string(),
        label: root.str("label"),
        contact_email: root.str("contactEmail"),
        location: Location::new(path, s.walked.root_pos.0, s.walked.root_pos.1),
        oauth: None,
        profile_names: root
            .all("profileName")
            .filter(|x| !x.value.is_empty())
            .map(|x| Located::new(x.value.clone(), root.loc(x.pos)))
            .collect(),
        permission_set_names: root
            .all("permissionSetName")
            .filter(|x| !x.value.is_empty())
            .map(|x| Located::new(x.value.clone(), root.loc(x.pos)))
            .collect(),
        ip_ranges: Vec::new(),
        has_saml: false,
    };
    let mut policy: Option<(Vec<Leaf<'_>>, Pos)> = None;
    for (p, leaves, pos) in &s.elements {
        let l = Leaves::new(leaves, path);
        match p.as_slice() {
            ["oauthConfig"] => {
                let o = ConnectedAppOauth {
                    location: l.loc(*pos),
                    callback_url: l.located("callbackUrl"),
                    consumer_key: l.located("consumerKey"),
                    certificate: l.located("certificate"),
                    scopes: l
                        .all("scopes")
                        .filter(|x| !x.value.is_empty())
                        .map(|x| Located::new(x.value.clone(), l.loc(x.pos)))
                        .collect(),
                    is_admin_approved: l.bool("isAdminApproved", &mut diagnostics),
                    is_client_credential_enabled: l
                        .bool("isClientCredentialEnabled", &mut diagnostics),
                    client_credential_user: l.located("oauthClientCredentialUser"),
                    flags: oauth_flags(&l, &["isAdminApproved", "isClientCredentialEnabled"]),
                    ip_relaxation: None,
                    refresh_token_policy: None,
                    certificate_unknown: false,
                };
                app.oauth = Some(o);
            }
            ["oauthPolicy"] => policy = Some((leaves.clone(), *pos)),
            ["ipRanges"] => {
                if let Some(r) = ip_range(&l, *pos, "ipRanges", ("start", "end"), &mut diagnostics)
                {
                    app.ip_ranges.push(r);
                }
            }
            ["samlConfig"] => app.has_saml = true,
            _ => {}
        }
    }
    if let (Some(oauth), Some((leaves, _))) = (app.oauth.as_mut(), policy) {
        let l = Leaves::new(&leaves, path);
        oauth.ip_relaxation = l.located("ipRelaxation");
        oauth.refresh_token_policy = l.located("refreshTokenPolicy");
        // Some exports carry approval flags in the policy.
        if oauth.is_admin_approved.is_none() {
            oauth.is_admin_approved = l.bool("isAdminApproved", &mut diagnostics);
        }
    }
    finish(s.walked, path, app, diagnostics)
}

/// The parts of an External Client App family.
#[allow(clippy::large_enum_variant)] // one per file, short-lived
#[derive(Debug, Clone)]
pub(crate) enum EcaPart {
    App {
        label: Option<String>,
        contact_email: Option<String>,
        distribution_state: Option<String>,
        location: Location,
    },
    Oauth(EcaOauthSettings),
    Global(EcaGlobalOauth),
    OauthPolicies(EcaOauthPolicies),
    Policies(EcaPolicies),
}

/// Which family member a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EcaKind {
    App,
    Oauth,
    Global,
    OauthPolicies,
    Policies,
}

fn split_list(l: &Leaves<'_, '_>, name: &str) -> Vec<Located<String>> {
    l.get(name)
        .map(|x| {
            x.value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| Located::new(v.to_string(), l.loc(x.pos)))
                .collect()
        })
        .unwrap_or_default()
}

/// Reads one file of an ECA family. Returns the app it belongs to (its
/// `externalClientApplication`, if written) and the part.
pub(crate) fn read_eca(text: &str, path: &str, kind: EcaKind) -> Parsed<(Option<String>, EcaPart)> {
    const WANTED: &[&[&str]] = &[&["trustedIpRanges"]];
    let s = read_small(text, path, WANTED);
    let mut diagnostics = Vec::new();
    let l = Leaves::new(&s.root, path);
    let location = Location::new(path, s.walked.root_pos.0, s.walked.root_pos.1);
    let owner = l.str("externalClientApplication");
    let part = match kind {
        EcaKind::App => EcaPart::App {
            label: l.str("label"),
            contact_email: l.str("contactEmail"),
            distribution_state: l.str("distributionState"),
            location,
        },
        EcaKind::Oauth => EcaPart::Oauth(EcaOauthSettings {
            location,
            scopes: split_list(&l, "commaSeparatedOauthScopes"),
            trusted_ip_ranges: s
                .elements
                .iter()
                .filter_map(|(_, leaves, pos)| {
                    ip_range(
                        &Leaves::new(leaves, path),
                        *pos,
                        "trustedIpRanges",
                        ("startIpAddress", "endIpAddress"),
                        &mut diagnostics,
                    )
                })
                .collect(),
        }),
        EcaKind::Global => EcaPart::Global(EcaGlobalOauth {
            location,
            callback_url: l.located("callbackUrl"),
            certificate: l.located("certificate"),
            consumer_key: l.located("consumerKey"),
            // Never keep the secret, only where it is.
            consumer_secret: l
                .get("consumerSecret")
                .filter(|x| !x.value.trim().is_empty())
                .map(|x| l.loc(x.pos)),
            is_client_credentials_flow_enabled: l
                .bool("isClientCredentialsFlowEnabled", &mut diagnostics),
            flags: oauth_flags(&l, &["isClientCredentialsFlowEnabled"]),
        }),
        EcaKind::OauthPolicies => EcaPart::OauthPolicies(EcaOauthPolicies {
            location,
            ip_relaxation_policy_type: l.located("ipRelaxationPolicyType"),
            permitted_users_policy_type: l.located("permittedUsersPolicyType"),
            profiles: split_list(&l, "commaSeparatedProfile"),
            permission_sets: split_list(&l, "commaSeparatedPermissionSet"),
            refresh_token_policy_type: l.located("refreshTokenPolicyType"),
            refresh_token_validity_period: l.located("refreshTokenValidityPeriod"),
            refresh_token_validity_unit: l.located("refreshTokenValidityUnit"),
            is_client_credentials_flow_enabled: l
                .bool("isClientCredentialsFlowEnabled", &mut diagnostics),
            client_credentials_flow_user: l.located("clientCredentialsFlowUser"),
            required_session_level: l.located("requiredSessionLevel"),
            session_timeout_in_minutes: l.located("sessionTimeoutInMinutes"),
        }),
        EcaKind::Policies => EcaPart::Policies(EcaPolicies {
            location,
            is_enabled: l.bool("isEnabled", &mut diagnostics),
            is_oauth_plugin_enabled: l.bool("isOauthPluginEnabled", &mut diagnostics),
        }),
    };
    finish(s.walked, path, (owner, part), diagnostics)
}

/// `.settings` files intguard reads.
#[allow(clippy::large_enum_variant)] // one per file, short-lived
#[derive(Debug, Clone)]
pub(crate) enum SettingsFacts {
    Security(SecuritySettings),
    ConnectedApp(ConnectedAppSettings),
    OauthOidc(OauthOidcSettings),
}

/// Reads `<name>.settings` when intguard knows it (Security, ConnectedApp,
/// OauthOidc); `None` for other settings.
pub(crate) fn read_settings(text: &str, path: &str, name: &str) -> Option<Parsed<SettingsFacts>> {
    const SECURITY: &[&[&str]] = &[
        &["passwordPolicies"],
        &["sessionSettings"],
        &["networkAccess", "ipRanges"],
    ];
    let mut diagnostics = Vec::new();
    let file = Location::file(path);
    if name.eq_ignore_ascii_case("Security") {
        let s = read_small(text, path, SECURITY);
        let mut out = SecuritySettings {
            location: file,
            ..SecuritySettings::default()
        };
        for (p, leaves, pos) in &s.elements {
            let l = Leaves::new(leaves, path);
            match p.as_slice() {
                ["passwordPolicies"] => {
                    out.password_policies = Some(OrgPasswordPolicies {
                        location: l.loc(*pos),
                        complexity: l.located("complexity"),
                        expiration: l.located("expiration"),
                        history_restriction: l.located("historyRestriction"),
                        lockout_interval: l.located("lockoutInterval"),
                        max_login_attempts: l.located("maxLoginAttempts"),
                        minimum_password_length: l.located("minimumPasswordLength"),
                        minimum_password_lifetime: l
                            .bool("minimumPasswordLifetime", &mut diagnostics),
                        question_restriction: l.located("questionRestriction"),
                    })
                }
                ["sessionSettings"] => {
                    let mut b = |n: &str| l.bool(n, &mut diagnostics);
                    out.session_settings = Some(SessionSettings {
                        location: l.loc(*pos),
                        lock_sessions_to_ip: b("lockSessionsToIp"),
                        lock_sessions_to_domain: b("lockSessionsToDomain"),
                        enforce_ip_ranges_every_request: b("enforceIpRangesEveryRequest"),
                        force_relogin: b("forceRelogin"),
                        force_logout_on_session_timeout: b("forceLogoutOnSessionTimeout"),
                        require_http_only: b("requireHttpOnly"),
                        require_https: b("requireHttps"),
                        session_timeout: l.located("sessionTimeout"),
                    })
                }
                ["networkAccess", "ipRanges"] => {
                    if let Some(r) =
                        ip_range(&l, *pos, "ipRanges", ("start", "end"), &mut diagnostics)
                    {
                        out.network_access_ip_ranges.push(r);
                    }
                }
                _ => {}
            }
        }
        if s.walked.root.is_some() {
            out.location = Location::new(path, s.walked.root_pos.0, s.walked.root_pos.1);
        }
        return Some(finish(
            s.walked,
            path,
            SettingsFacts::Security(out),
            diagnostics,
        ));
    }
    if name.eq_ignore_ascii_case("ConnectedApp") {
        let s = read_small(text, path, &[]);
        let l = Leaves::new(&s.root, path);
        let out = ConnectedAppSettings {
            location: Location::new(path, s.walked.root_pos.0, s.walked.root_pos.1),
            enable_admin_approved_apps_only: l
                .bool("enableAdminApprovedAppsOnly", &mut diagnostics),
            enable_admin_approved_apps_only_for_external_user: l.bool(
                "enableAdminApprovedAppsOnlyForExternalUser",
                &mut diagnostics,
            ),
        };
        return Some(finish(
            s.walked,
            path,
            SettingsFacts::ConnectedApp(out),
            diagnostics,
        ));
    }
    if name.eq_ignore_ascii_case("OauthOidc") {
        let s = read_small(text, path, &[]);
        let l = Leaves::new(&s.root, path);
        let out = OauthOidcSettings {
            location: Location::new(path, s.walked.root_pos.0, s.walked.root_pos.1),
            block_oauth_un_pw_flow: l.bool("blockOAuthUnPwFlow", &mut diagnostics),
            block_oauth_usr_agt_flow: l.bool("blockOAuthUsrAgtFlow", &mut diagnostics),
            is_pkce_required: l.bool("isPkceRequired", &mut diagnostics),
            oauth_cd_crdt_flow_enable: l.bool("oAuthCdCrdtFlowEnable", &mut diagnostics),
        };
        return Some(finish(
            s.walked,
            path,
            SettingsFacts::OauthOidc(out),
            diagnostics,
        ));
    }
    None
}

/// `.permissionsetgroup`.
pub(crate) fn read_group(text: &str, path: &str, name: &str) -> Parsed<PermissionSetGroup> {
    let s = read_small(text, path, &[]);
    let l = Leaves::new(&s.root, path);
    let list = |n: &'static str| -> Vec<Located<String>> {
        l.all(n)
            .filter(|x| !x.value.is_empty())
            .map(|x| Located::new(x.value.clone(), l.loc(x.pos)))
            .collect()
    };
    let group = PermissionSetGroup {
        name: name.to_string(),
        label: l.str("label"),
        permission_sets: list("permissionSets"),
        muting_permission_sets: list("mutingPermissionSets"),
        status: l.str("status"),
        location: Location::new(path, s.walked.root_pos.0, s.walked.root_pos.1),
    };
    finish(s.walked, path, group, Vec::new())
}

/// `.profilePasswordPolicy`.
pub(crate) fn read_password_policy(
    text: &str,
    path: &str,
    name: &str,
) -> Parsed<ProfilePasswordPolicy> {
    let s = read_small(text, path, &[]);
    let mut d = Vec::new();
    let l = Leaves::new(&s.root, path);
    let p = ProfilePasswordPolicy {
        name: name.to_string(),
        location: Location::new(path, s.walked.root_pos.0, s.walked.root_pos.1),
        profile: l.located("profile"),
        lockout_interval: l.number("lockoutInterval", &mut d),
        max_login_attempts: l.number("maxLoginAttempts", &mut d),
        minimum_password_length: l.number("minimumPasswordLength", &mut d),
        password_complexity: l.number("passwordComplexity", &mut d),
        password_expiration: l.number("passwordExpiration", &mut d),
        password_history: l.number("passwordHistory", &mut d),
    };
    finish(s.walked, path, p, d)
}

/// `.profileSessionSetting`.
pub(crate) fn read_session_setting(
    text: &str,
    path: &str,
    name: &str,
) -> Parsed<ProfileSessionSetting> {
    let s = read_small(text, path, &[]);
    let mut d = Vec::new();
    let l = Leaves::new(&s.root, path);
    let p = ProfileSessionSetting {
        name: name.to_string(),
        location: Location::new(path, s.walked.root_pos.0, s.walked.root_pos.1),
        profile: l.located("profile"),
        session_timeout: l.number("sessionTimeout", &mut d),
        required_session_level: l.located("requiredSessionLevel"),
        force_logout: l.bool("forceLogout", &mut d),
    };
    finish(s.walked, path, p, d)
}
