//! The secure-properties configuration that reads what `fix secrets` moves:
//! the app's own (its cipher, the file it loads per environment) or one to
//! declare, and the key checks against what the files hold already.

use std::collections::BTreeMap;

use intguard_model::gap_pattern::file_pattern_matches;
use intguard_model::{
    resource_pattern, MuleApp, MuleRuntime, PropertyFile, SecurePropertiesConfig, Value,
};
use mule_secure_props::{Cipher, Mode};
use zeroize::Zeroizing;

use super::SecretsOptions;
use crate::{xml, FixError};

const M4_NS: &str = "http://www.mulesoft.org/schema/mule/secure-properties";
const M4_XSD: &str =
    "http://www.mulesoft.org/schema/mule/secure-properties/current/mule-secure-properties.xsd";
const M3_NS: &str = "http://www.mulesoft.org/schema/mule/secure-property-placeholder";
const M3_XSD: &str = "http://www.mulesoft.org/schema/mule/secure-property-placeholder/current/mule-secure-property-placeholder.xsd";
pub(super) const KEY_PROPERTY: &str = "encryption.key";

/// The resources folder of an app, as a display path prefix ending in `/`,
/// spelt as the readers spell the app's files (`./src/...` for an app read
/// as `.`), so that a file the fix creates is found again when the result
/// is read back.
fn resources(app: &MuleApp) -> String {
    let root = app.root.trim_end_matches('/');
    if root.is_empty() {
        "src/main/resources/".to_string()
    } else {
        format!("{root}/src/main/resources/")
    }
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

pub(super) fn has_placeholder(s: &str) -> bool {
    s.contains("${")
}

/// The cipher a secure-properties config reads the values of `file` with;
/// `Err` with a reason when it cannot be known. Settings read from
/// properties (`algorithm="${enc.alg}"`) are resolved in the environment the
/// file is for, or in every environment of the app, which must then agree:
/// a value is written with one cipher.
pub(crate) fn config_cipher(
    app: &MuleApp,
    c: &SecurePropertiesConfig,
    file: &PropertyFile,
) -> Result<Cipher, String> {
    let ciphers = file_ciphers(app, c, file)?;
    match &ciphers[..] {
        [(_, one)] => Ok(*one),
        _ => Err(format!(
            "the encryption settings of <{}> differ per environment ({}) and {} is read in all of them",
            c.element,
            ciphers
                .iter()
                .map(|(envs, cipher)| format!("{cipher} in {}", envs.join(", ")))
                .collect::<Vec<_>>()
                .join("; "),
            file.path
        )),
    }
}

/// The ciphers a secure-properties config may read the values of `file`
/// with, each with the environments whose settings give it: one for a file
/// of one environment, one per distinct setting for a file every
/// environment reads. What an existing value was written with is then the
/// one that opens it.
pub(crate) fn file_ciphers<'a>(
    app: &'a MuleApp,
    c: &SecurePropertiesConfig,
    file: &PropertyFile,
) -> Result<Vec<(Vec<&'a str>, Cipher)>, String> {
    let all = app.resolution_environments();
    let wanted = file.environment.as_deref();
    // A file for an environment the app does not resolve in: as a file
    // every environment reads.
    let envs: Vec<Option<&'a str>> = match all.iter().find(|e| wanted.is_some() && **e == wanted) {
        Some(own) => vec![*own],
        None => all,
    };
    let read_with = ciphers_in(app, c, envs)?;
    let mut out: Vec<(Vec<&str>, Cipher)> = Vec::new();
    for (env, cipher) in &read_with {
        let env = env.unwrap_or("every environment");
        match out.iter_mut().find(|(_, c)| c == cipher) {
            Some((envs, _)) => envs.push(env),
            None => out.push((vec![env], *cipher)),
        }
    }
    Ok(out)
}

/// The cipher of a config in each environment of the app
/// ([`MuleApp::resolution_environments`]), its settings resolved there;
/// `Err` when a setting reads a property the repository does not define
/// there (set at deploy time: the cipher cannot be known) or names no
/// cipher intguard has.
pub(crate) fn config_ciphers<'a>(
    app: &'a MuleApp,
    c: &SecurePropertiesConfig,
) -> Result<Vec<(Option<&'a str>, Cipher)>, String> {
    ciphers_in(app, c, app.resolution_environments())
}

/// [`config_ciphers`] in the environments `envs` only.
fn ciphers_in<'a>(
    app: &'a MuleApp,
    c: &SecurePropertiesConfig,
    envs: Vec<Option<&'a str>>,
) -> Result<Vec<(Option<&'a str>, Cipher)>, String> {
    let mut out = Vec::new();
    for env in envs {
        let setting = |v: &Option<Box<Value>>, default: &str| -> Result<String, String> {
            let Some(v) = v else {
                return Ok(default.to_string());
            };
            if !has_placeholder(&v.raw) {
                return Ok(v.raw.trim().to_string());
            }
            app.resolve(v, env)
                .value
                .map(|r| r.trim().to_string())
                .ok_or_else(|| {
                    format!(
                        "the encryption settings of <{}> read {}, which the repository does not define{}: the cipher cannot be known",
                        c.element,
                        v.raw.trim(),
                        env.map(|e| format!(" for {e}")).unwrap_or_default()
                    )
                })
        };
        let algorithm = setting(&c.algorithm, "AES")?;
        let mode = setting(&c.mode, "CBC")?;
        let random = setting(&c.use_random_ivs, "false")?.eq_ignore_ascii_case("true");
        let mut cipher = Cipher::from_mule_attributes(Some(&algorithm), Some(&mode), random)
            .map_err(|e| e.to_string())?;
        // Mule 3's placeholder has no random IVs.
        cipher.random_iv &= c.has_random_iv_option();
        out.push((env, cipher));
    }
    Ok(out)
}

pub(super) fn check_key(cipher: &Cipher, key: &[u8]) -> Result<(), FixError> {
    Cipher::new(cipher.algorithm, Mode::Ecb, false)
        .encrypt(key, b"")
        .map(|_| ())
        .map_err(|e| FixError(e.to_string()))
}

pub(super) fn encrypt(cipher: &Cipher, key: &[u8], value: &str) -> Result<String, FixError> {
    cipher
        .encrypt(key, value.as_bytes())
        .map_err(|e| FixError(e.to_string()))
}

/// Decrypts with the plausibility check IG104 uses: padding valid and the plaintext
/// plausible text ([`mule_secure_props::plausible_plaintext`]: UTF-8, no control
/// characters other than tab, line feed and carriage return).
pub(crate) fn decrypt_plausible(
    cipher: &Cipher,
    key: &[u8],
    b64: &str,
) -> Option<Zeroizing<String>> {
    let bytes = Zeroizing::new(cipher.decrypt(key, b64).ok()?);
    let s = mule_secure_props::plausible_plaintext(&bytes)?;
    Some(Zeroizing::new(s.to_string()))
}

/// Refuses a key that does not open the file's existing encrypted values.
pub(super) fn check_key_against(
    file: &PropertyFile,
    cipher: &Cipher,
    key: &[u8],
) -> Result<(), FixError> {
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

pub(crate) type NewConfigLines = (&'static str, &'static str, &'static str, Vec<String>);

/// Where moved values go: the configuration, its cipher and its file per environment.
pub(crate) struct Setup {
    /// The cipher of each environment ([`MuleApp::resolution_environments`]):
    /// settings read from properties may differ per environment.
    pub(super) ciphers: Vec<(Option<String>, Cipher)>,
    /// A configuration to declare: the XML file and the element.
    pub(super) new_config: Option<(String, NewConfigLines)>,
    /// file pattern relative to the resources folder.
    pub(super) pattern: String,
    pub(super) key_property: Option<String>,
}

pub(crate) fn setup(app: &MuleApp, options: &SecretsOptions) -> Result<Setup, String> {
    if let Some(c) = app.runtime_secure_config() {
        let ciphers = config_ciphers(app, c)?
            .into_iter()
            .map(|(env, cipher)| (env.map(str::to_string), cipher))
            .collect();
        let pattern = c
            .file
            .as_ref()
            .map(|f| resource_pattern(&f.raw))
            .ok_or_else(|| format!("<{}> has no file", c.element))?;
        let key_property = c.key.as_ref().and_then(|k| {
            let ps = k.placeholders();
            (ps.len() == 1).then(|| ps[0].name.clone())
        });
        return Ok(Setup {
            ciphers,
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
    let pattern = app.new_secure_file_pattern();
    let cipher = Cipher::new(
        options.algorithm,
        options.mode,
        app.runtime == MuleRuntime::Mule4,
    );
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
    let key_property = new_key_property(app);
    let (prefix, ns, xsd, lines) = match app.runtime {
        MuleRuntime::Mule4 => (
            "secure-properties",
            M4_NS,
            M4_XSD,
            vec![
                format!(
                    "<secure-properties:config name=\"Secure_Properties\" key=\"${{{key_property}}}\" file=\"{}\">",
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
                "<secure-property-placeholder:config name=\"Secure_Property_Placeholder\" key=\"${{{key_property}}}\" location=\"{}\" encryptionAlgorithm=\"{}\" encryptionMode=\"{}\"/>",
                attr(&pattern),
                cipher.algorithm.name(),
                cipher.mode.name()
            )],
        ),
    };
    Ok(Setup {
        ciphers: app
            .resolution_environments()
            .into_iter()
            .map(|env| (env.map(str::to_string), cipher))
            .collect(),
        new_config: Some((xml_path, (prefix, ns, xsd, lines))),
        pattern,
        key_property: Some(key_property),
    })
}

/// The property a new configuration reads its key from: the key name the
/// app already lists in mule-artifact.json `secureProperties` (`mule.key`),
/// so that Runtime Manager is given one key, not two; else
/// [`KEY_PROPERTY`].
fn new_key_property(app: &MuleApp) -> String {
    app.declared_secure_properties
        .iter()
        .flat_map(|list| list.iter())
        .find(|name| {
            let n = name.trim().to_ascii_lowercase();
            n != "key" && intguard_model::vocab::is_encryption_key_name(&n)
        })
        .map(|name| name.trim().to_string())
        .unwrap_or_else(|| KEY_PROPERTY.to_string())
}

/// The secure file of each environment (display path), or a reason.
pub(crate) fn targets(
    app: &MuleApp,
    setup: &Setup,
) -> Result<BTreeMap<Option<String>, String>, String> {
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
            .map(|f| f.path.to_string())
            .unwrap_or_else(|| format!("{res}{rel}"));
        out.insert(env.map(str::to_string), path);
    }
    Ok(out)
}

/// The cipher of each target file (display path): its environment's. A file
/// several environments write to (a pattern without `${...}`) takes one cipher
/// only: settings that differ between them are a reason to skip.
pub(super) fn target_ciphers(
    setup: &Setup,
    targets: &BTreeMap<Option<String>, String>,
) -> Result<BTreeMap<String, Cipher>, String> {
    let mut out: BTreeMap<String, Cipher> = BTreeMap::new();
    for (env, path) in targets {
        let Some((_, cipher)) = setup.ciphers.iter().find(|(e, _)| e == env) else {
            continue;
        };
        match out.get(path) {
            Some(other) if other != cipher => {
                return Err(format!(
                    "{path} is read in several environments whose encryption settings differ ({other}, {cipher}): move it by hand"
                ))
            }
            _ => {
                out.insert(path.clone(), *cipher);
            }
        }
    }
    Ok(out)
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
                .is_some_and(|f| file_pattern_matches(&resource_pattern(&f.raw), rel))
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
        assert!(file_pattern_matches(
            "properties/${mule.env}-secure.yaml",
            "properties/dev-secure.yaml"
        ));
        assert!(!file_pattern_matches(
            "properties/${mule.env}-secure.yaml",
            "properties/a/dev-secure.yaml"
        ));
        assert!(file_pattern_matches("secure.yaml", "secure.yaml"));
        assert_eq!(
            resolve_pattern("p/${mule.env}-secure.yaml", "prod"),
            "p/prod-secure.yaml"
        );
    }
}
