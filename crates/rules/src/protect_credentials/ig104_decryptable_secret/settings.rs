//! The cipher a secure-properties config decrypts with in each environment:
//! its `algorithm`, `mode` and `useRandomIVs`, which properties may set
//! differently per environment.

use mule_secure_props::Cipher;

use intguard_model::{MuleApp, SecurePropertiesConfig, Value};

/// A config's `algorithm`, `mode` and `useRandomIVs` as one environment
/// resolves them (`None`: not written, Mule's default).
#[derive(Debug, Clone)]
pub(in crate::protect_credentials) struct EncryptSettings {
    pub algorithm: Option<String>,
    pub mode: Option<String>,
    pub use_random_ivs: Option<String>,
}

impl EncryptSettings {
    pub fn random_ivs(&self) -> bool {
        self.use_random_ivs
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The same settings, whatever case they are written in.
    fn same_as(&self, other: &Self) -> bool {
        let eq = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        };
        eq(&self.algorithm, &other.algorithm)
            && eq(&self.mode, &other.mode)
            && self.random_ivs() == other.random_ivs()
    }

    /// `None` when the algorithm or mode is unknown or not implemented.
    fn cipher(&self) -> Option<Cipher> {
        Cipher::from_mule_attributes(
            self.algorithm.as_deref(),
            self.mode.as_deref(),
            self.random_ivs(),
        )
        .ok()
    }
}

/// An attribute's value in each of `n` environments of the app (in
/// [`MuleApp::resolution_environments`] order). Where a reference does not
/// resolve (set at deploy time) it reads as in the first environment where
/// it does.
pub(super) fn setting_per_environment(
    app: &MuleApp,
    value: Option<&Value>,
    n: usize,
) -> Vec<Option<String>> {
    let Some(value) = value else {
        return vec![None; n];
    };
    if value.is_literal() {
        return vec![Some(value.raw.trim().to_string()); n];
    }
    let resolved: Vec<Option<String>> = app
        .resolve_all(value)
        .into_iter()
        .map(|r| r.value.map(|v| v.trim().to_string()))
        .collect();
    let first = resolved.iter().flatten().next().cloned();
    resolved
        .into_iter()
        .map(|v| v.or_else(|| first.clone()))
        .collect()
}

/// A config's distinct settings, each with the environments that have them:
/// properties used as settings can differ per environment. One entry, with
/// every environment, when they agree.
pub(in crate::protect_credentials) fn encrypt_settings<'a>(
    app: &'a MuleApp,
    config: &SecurePropertiesConfig,
) -> Vec<(EncryptSettings, Vec<Option<&'a str>>)> {
    let envs = app.resolution_environments();
    let n = envs.len();
    let algorithms = setting_per_environment(app, config.algorithm.as_deref(), n);
    let modes = setting_per_environment(app, config.mode.as_deref(), n);
    let randoms = setting_per_environment(app, config.use_random_ivs.as_deref(), n);
    let mut out: Vec<(EncryptSettings, Vec<Option<&str>>)> = Vec::new();
    for (i, env) in envs.into_iter().enumerate() {
        let settings = EncryptSettings {
            algorithm: algorithms[i].clone(),
            mode: modes[i].clone(),
            use_random_ivs: randoms[i].clone(),
        };
        match out.iter_mut().find(|(s, _)| s.same_as(&settings)) {
            Some((_, in_envs)) => in_envs.push(env),
            None => out.push((settings, vec![env])),
        }
    }
    out
}

/// Ciphers, each with the environments whose settings give it.
pub(super) type EnvCiphers<'a> = Vec<(Cipher, Vec<Option<&'a str>>)>;

/// The ciphers a config decrypts with, each with its environments (one when
/// they agree); none when its algorithm or mode is unknown or not
/// implemented.
pub(super) fn ciphers_for<'a>(app: &'a MuleApp, config: &SecurePropertiesConfig) -> EnvCiphers<'a> {
    let mut out: EnvCiphers<'a> = Vec::new();
    for (settings, envs) in encrypt_settings(app, config) {
        let Some(cipher) = settings.cipher() else {
            continue;
        };
        match out.iter_mut().find(|(c, _)| *c == cipher) {
            Some((_, in_envs)) => in_envs.extend(envs),
            None => out.push((cipher, envs)),
        }
    }
    out
}

/// Whether `fix secrets --upgrade-encryption` changes `config`: its settings
/// are known in every environment of the app (written in the XML, or read
/// from properties the repository defines: the command resolves them as
/// this rule does) and weaker than [`Cipher::recommended`] in one (a weak
/// algorithm, ECB, or fixed IVs where the runtime has random ones), what
/// IG108 reports. A setting supplied at deploy time leaves the values'
/// cipher unknown, and the command refuses the config.
pub(in crate::protect_credentials) fn upgrade_applies(
    app: &MuleApp,
    config: &SecurePropertiesConfig,
) -> bool {
    let random = config.has_random_iv_option();
    settings_not_defined(app, config).is_empty()
        && encrypt_settings(app, config).iter().any(|(s, _)| {
            Cipher::from_mule_attributes(
                Some(s.algorithm.as_deref().unwrap_or("AES")),
                Some(s.mode.as_deref().unwrap_or("CBC")),
                s.random_ivs() && random,
            )
            .is_ok_and(|c| c.is_weaker_than_recommended(random))
        })
}

/// Each setting of `config` read from a property that some environments of
/// the app do not define in the repository (supplied at deploy time), with
/// those environments ("every environment" when the app has none):
/// [`encrypt_settings`] reads it there as where it is defined.
pub(in crate::protect_credentials) fn settings_not_defined<'a>(
    app: &'a MuleApp,
    config: &'a SecurePropertiesConfig,
) -> Vec<(&'a Value, Vec<&'a str>)> {
    config
        .settings()
        .filter(|v| !v.is_literal())
        .filter_map(|v| {
            let envs: Vec<&str> = app
                .resolve_all(v)
                .iter()
                .filter(|r| r.value.is_none())
                .map(|r| r.environment.unwrap_or("every environment"))
                .collect();
            (!envs.is_empty()).then_some((v, envs))
        })
        .collect()
}
