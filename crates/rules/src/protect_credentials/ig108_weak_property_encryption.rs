use mule_secure_props::{Algorithm, Error as CipherError};

use intguard_model::{
    Finding, Inventory, MuleApp, Practice, PropertyFile, Related, RuleMeta, SecurePropertiesConfig,
    Severity, Value,
};

use super::ig103_committed_encryption_key::config_label;
use super::ig104_decryptable_secret::{
    encrypt_settings, settings_not_defined, upgrade_applies, EncryptSettings,
};
use crate::support::{and_list, file_name};
use crate::{Rule, Scope};

pub struct WeakPropertyEncryption;

static META: RuleMeta = RuleMeta {
    id: "IG108",
    name: "weak-property-encryption",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::Medium,
    summary: "Secure properties are encrypted with a weak algorithm, ECB mode or fixed IVs",
    doc: r#"## What it does
Checks each `<secure-properties:config>` (its `<secure-properties:encrypt>` child) and
each Mule 3 `<secure-property-placeholder:config>` and reports, in one finding per
config, every weakness of the way its `![...]` values are encrypted:
- a weak algorithm: DES (56-bit key), DESede (64-bit block, at most 112-bit strength,
  disallowed by NIST for encryption after 2023), Blowfish, CAST5, RC2, RC5, XTEA,
  TEA and Skipjack (64-bit blocks: Sweet32 birthday attacks; several also have
  related-key or differential attacks), and RC4 (`RCA`, `ARCFOUR`);
- `mode="ECB"`: no IV at all, equal blocks give equal ciphertext blocks;
- fixed IVs: `useRandomIVs` absent or `false` (Mule's default), and always in Mule 3,
  whose placeholder has no random-IV option. The IV is then the first block of the
  key, so equal values always encrypt to the same `![...]` text, and values sharing a
  prefix share their first ciphertext block.
The finding sits on the `<secure-properties:encrypt>` element (on the config when it
has none, and on the Mule 3 placeholder).
AES, Camellia, CAST6, Serpent, Twofish and RC6 in CBC, CFB or OFB with random IVs are
accepted. Properties used as algorithm or mode are resolved.

## Why is this bad?
Secure properties are the last line of defence when a repository or an artifact
leaks. A weak cipher or a deterministic encryption lets an attacker compare values
across files and environments (the same `![...]` in dev and prod means the same
password), test guesses offline, or break the key outright (DES). Mule's scheme has no
integrity protection either, so strong settings are the minimum.

## Example
```xml
<secure-properties:config name="Secure_Props" key="${encryption.key}"
    file="properties/${mule.env}-secure.yaml">
  <secure-properties:encrypt algorithm="Blowfish" mode="ECB"/>
</secure-properties:config>
```

## How to fix
Use AES in CBC mode with random IVs:
```xml
<secure-properties:config name="Secure_Props" key="${encryption.key}"
    file="properties/${mule.env}-secure.yaml">
  <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
</secure-properties:config>
```
and re-encrypt every `![...]` value of the files the config reads, with a new 32
character key supplied at deploy time: values encrypted the old way no longer decrypt,
so the values and the settings change together. One command does both, for every
configuration of the app:
```bash
intguard fix secrets --key-env OLD_KEY_VAR --rotate-key NEW_KEY_VAR --upgrade-encryption <app folder>
```
(a Mule plugin's configuration runs in the apps importing its file and reads their files:
give the folder holding the plugin and those apps, not the plugin's alone;
without `--rotate-key` it keeps the key; by hand: `intguard secure-props decrypt ... |
intguard secure-props encrypt --random-iv --wrap`, or `java -cp secure-properties-tool.jar
com.mulesoft.tools.SecurePropertiesTool file encrypt AES CBC <key> in.yaml out.yaml
--use-random-iv true`). For Mule 3 (`<secure-property-placeholder:config>`, which has no
random-IV option), the same command sets `encryptionAlgorithm="AES" encryptionMode="CBC"`;
better, migrate to Mule 4. Settings read from properties (`algorithm="${secure.algorithm}"`)
are resolved per environment, each file's values decrypted with its environment's settings,
and the strong settings are then written in the XML; a setting supplied only at deploy time
leaves the values' cipher unknown: change it by hand.

## References
- MuleSoft Docs: Secure Configuration Properties, Supported Algorithms and Modes
- NIST SP 800-131A Rev. 2 (DES and Triple DES), NIST SP 800-38A (modes)
- Sweet32: Birthday attacks on 64-bit block ciphers (CVE-2016-2183)
- RFC 7465: Prohibiting RC4 Cipher Suites
"#,
};

/// Why an algorithm name is weak, or `None` when it is not (or unknown).
fn weak_algorithm(name: &str) -> Option<&'static str> {
    match Algorithm::parse(name) {
        Ok(Algorithm::Des) => Some("a 56-bit key, found by exhaustive search in hours"),
        Ok(Algorithm::DesEde) => {
            Some("a 64-bit block and at most 112-bit strength, disallowed by NIST after 2023")
        }
        Ok(a) if a.is_weak() => Some("a 64-bit block, open to Sweet32 birthday attacks"),
        Ok(_) => None,
        Err(CipherError::AlgorithmNotImplemented(n)) if n.eq_ignore_ascii_case("TEA") => {
            Some("a 64-bit block and known related-key attacks")
        }
        Err(CipherError::AlgorithmNotImplemented(n)) if n.eq_ignore_ascii_case("Skipjack") => {
            Some("an 80-bit key and a 64-bit block")
        }
        Err(_) => {
            // `RCA` is in Mule's algorithm list; read it (and the usual names) as RC4.
            let n = name.trim().to_ascii_uppercase();
            matches!(n.as_str(), "RC4" | "RCA" | "ARCFOUR" | "ARC4")
                .then_some("the RC4 stream cipher, whose keystream is biased (RFC 7465)")
        }
    }
}

struct Weakness<'a> {
    text: String,
    /// The attribute that causes it, when written.
    at: Option<&'a Value>,
}

fn weaknesses<'a>(
    config: &'a SecurePropertiesConfig,
    settings: &EncryptSettings,
) -> Vec<Weakness<'a>> {
    let mut out = Vec::new();
    let algorithm = settings.algorithm.as_deref().unwrap_or("AES");
    if let Some(why) = weak_algorithm(algorithm) {
        let from = config
            .algorithm
            .as_ref()
            .filter(|v| !v.is_literal())
            .map(|v| format!("set by {}, ", v.raw.trim()))
            .unwrap_or_default();
        out.push(Weakness {
            text: format!("the {algorithm} algorithm ({from}{why})"),
            at: config.algorithm.as_deref(),
        });
    }
    let mode = settings.mode.as_deref().unwrap_or("CBC");
    let ecb = mode.eq_ignore_ascii_case("ECB");
    if ecb {
        out.push(Weakness {
            text: "ECB mode (no IV: equal blocks encrypt to equal ciphertext)".into(),
            at: config.mode.as_deref(),
        });
    }
    // Mule 3's secure-property-placeholder has no random-IV option at all.
    let mule4 = config.element.starts_with("secure-properties:");
    let random = mule4 && settings.random_ivs();
    if !ecb && !random {
        let how = if !mule4 {
            "Mule 3 has no random-IV option"
        } else if config.use_random_ivs.is_some() {
            "useRandomIVs=\"false\""
        } else {
            "useRandomIVs not set"
        };
        out.push(Weakness {
            text: format!(
                "fixed IVs ({how}: the IV is the key's first block, so equal values encrypt to the same ![...] text)"
            ),
            at: config.use_random_ivs.as_deref(),
        });
    }
    out
}

/// The remedy, in the runtime's terms. Each value has to be decrypted with
/// the settings it was written with and encrypted with the new ones: once the
/// settings change the old values no longer decrypt, so both change at once:
/// `fix secrets --upgrade-encryption` does it when the settings are known in
/// every environment (written in the XML, or read from properties the
/// repository defines); a setting supplied at deploy time is changed by hand.
fn fix_for(
    app: &MuleApp,
    config: &SecurePropertiesConfig,
    settings: &EncryptSettings,
    files: &str,
) -> String {
    let algorithm = settings.algorithm.as_deref().unwrap_or("AES");
    let mode = settings.mode.as_deref().unwrap_or("CBC");
    // The command needs each environment's settings, in algorithms it knows.
    let upgradable = upgrade_applies(app, config);
    // A Mule plugin's config runs in each app importing its file and reads
    // their property files: run on the plugin alone, the command would
    // change its settings and leave the apps' values unreadable.
    let (command, plugin_note) = match &app.plugin {
        Some(_) => (
            crate::support::upgrade_encryption_command(&format!(
                "<the folder holding {} and every app importing it>",
                app.root
            )),
            format!(
                " {} is Mule plugin {}'s: it runs in each app that imports its file and reads that app's property files, so run the command on a folder holding the plugin and those apps (it then re-encrypts their values too; on the plugin's folder alone it would change the settings and leave their values unreadable).",
                config_label(config),
                app.name
            ),
        ),
        None => (
            crate::support::upgrade_encryption_command(&app.root),
            String::new(),
        ),
    };
    if config.element.starts_with("secure-properties:") {
        let random = settings.random_ivs();
        let by_hand = format!(
            "intguard secure-props decrypt --key-env <VAR holding the old key> --algorithm {algorithm} --mode {mode}{} | intguard secure-props encrypt --key-env <VAR holding the new key> --algorithm AES --mode CBC --random-iv --wrap",
            if random { " --random-iv" } else { "" },
        );
        if upgradable {
            format!(
                "Re-encrypt every ![...] value of {files} with AES/CBC and random IVs under a new key supplied at deploy time, and set <secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/> inside {}, in one step: {command} (without --rotate-key it keeps the key; by hand, one value per line: {by_hand}). Values encrypted the old way no longer decrypt once the settings change.{plugin_note}",
                config_label(config)
            )
        } else {
            format!(
                "Re-encrypt every ![...] value of {files} with a new key supplied at deploy time, one value per line: {by_hand}. Then set <secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/> inside {} and the new key: values encrypted the old way no longer decrypt.",
                config_label(config)
            )
        }
    } else {
        let weak_cipher = weak_algorithm(algorithm).is_some() || mode.eq_ignore_ascii_case("ECB");
        let migrate = "Mule 3's <secure-property-placeholder:config> has no random-IV option (equal values encrypt to equal text under one key): migrate the app to Mule 4 and use <secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/>, re-encrypting every value with a new key supplied at deploy time";
        if upgradable {
            format!(
                "Set encryptionAlgorithm=\"AES\" encryptionMode=\"CBC\" on {} and re-encrypt every ![...] value of {files} accordingly, with a new key supplied at deploy time, in one step: {command}. {migrate}.{plugin_note}",
                config_label(config)
            )
        } else if weak_cipher {
            format!(
                "Set encryptionAlgorithm=\"AES\" encryptionMode=\"CBC\" on {} and re-encrypt every ![...] value of {files} with a new key supplied at deploy time (intguard secure-props decrypt --key-env <VAR holding the old key> --algorithm {algorithm} --mode {mode} | intguard secure-props encrypt --key-env <VAR holding the new key> --algorithm AES --mode CBC --wrap, one value per line). {migrate}.",
                config_label(config)
            )
        } else {
            format!("{migrate}. Until then keep the key out of the repository and rotate it when it may have leaked.")
        }
    }
}

/// A note on the settings read from properties that some of `envs` (all
/// the app's when `None`) do not define in the repository: supplied at deploy
/// time, they are read as in the environments that define them, which the
/// message must not pass off as known. Empty when every one is defined.
fn set_at_deploy_time(
    app: &MuleApp,
    config: &SecurePropertiesConfig,
    envs: Option<&[&str]>,
) -> String {
    let notes: Vec<String> = settings_not_defined(app, config)
        .into_iter()
        .filter_map(|(value, unknown)| {
            let unknown: Vec<&str> = unknown
                .into_iter()
                .filter(|e| envs.is_none_or(|envs| envs.contains(e)))
                .collect();
            (!unknown.is_empty()).then(|| {
                format!(
                    "{} is not defined in the repository for {}",
                    value.raw.trim(),
                    unknown.join(", ")
                )
            })
        })
        .collect();
    if notes.is_empty() {
        return String::new();
    }
    format!(
        "; {} (supplied at deploy time: taken as where it is defined)",
        notes.join("; ")
    )
}

impl Rule for WeakPropertyEncryption {
    /// Reads one app's secure-properties configs and their files.
    fn scope(&self) -> Scope {
        Scope::App
    }

    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for app in &inventory.apps {
            // Each config with each of its distinct settings, and their
            // environments when properties make them differ per environment.
            let variants: Vec<(&SecurePropertiesConfig, EncryptSettings, Option<Vec<&str>>)> = app
                .secure_property_configs
                .iter()
                .flat_map(|config| {
                    let per_env = encrypt_settings(app, config);
                    let varies = per_env.len() > 1;
                    per_env.into_iter().map(move |(settings, envs)| {
                        let envs = varies.then(|| envs.into_iter().flatten().collect());
                        (config, settings, envs)
                    })
                })
                .collect();
            // The app's secure files, each with the config reading it: found
            // once per app, not once per config (an app of 400 configs, each
            // with its file, took 1.4 s).
            let secure_files: Vec<(&PropertyFile, Option<&SecurePropertiesConfig>)> =
                if variants.is_empty() {
                    Vec::new()
                } else {
                    app.property_files
                        .iter()
                        .filter(|f| f.secure)
                        .map(|f| (f, app.secure_config_for(f)))
                        .collect()
                };
            for (config, settings, envs) in &variants {
                let (config, envs): (&SecurePropertiesConfig, Option<&[&str]>) =
                    (config, envs.as_deref());
                let weak = weaknesses(config, settings);
                if weak.is_empty() {
                    continue;
                }
                let texts: Vec<String> = weak.iter().map(|w| w.text.clone()).collect();
                let in_envs = envs
                    .map(|e| format!(" in {}", e.join(", ")))
                    .unwrap_or_default();
                let message = format!(
                    "{}: {} encrypts secure properties{in_envs} with {}{}",
                    app.name,
                    config_label(config),
                    and_list(&texts),
                    set_at_deploy_time(app, config, envs)
                );
                // Secure files with `![...]` values that this config reads
                // (a file no config's pattern matches: when it is the app's
                // only config): (path, first value, count).
                let alone = app.secure_property_configs.len() == 1;
                let encrypted: Vec<(&str, &intguard_model::Location, usize)> = secure_files
                    .iter()
                    .filter(|(_, reader)| match reader {
                        Some(reader) => std::ptr::eq(*reader, config),
                        None => alone,
                    })
                    .map(|(f, _)| f)
                    .filter(|f| match (envs, f.environment.as_deref()) {
                        (Some(envs), Some(e)) => envs.contains(&e),
                        _ => true,
                    })
                    .filter_map(|f| {
                        let mut values =
                            f.entries.iter().filter(|e| e.encrypted_payload().is_some());
                        let first = values.next()?;
                        Some((f.path.as_str(), &first.location, 1 + values.count()))
                    })
                    .collect();
                let files = if encrypted.is_empty() {
                    "the files it reads".to_string()
                } else {
                    encrypted
                        .iter()
                        .map(|(p, _, _)| file_name(p))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let fix = fix_for(app, config, settings, &files);
                // Mule 4: the `<secure-properties:encrypt>` line, where the fix goes
                // (its first attribute); Mule 3 and defaults: the config itself.
                let at = if config.element.starts_with("secure-properties:") {
                    config
                        .settings()
                        .map(|v| &v.location)
                        .min()
                        .unwrap_or(&config.location)
                } else {
                    &config.location
                };
                let name = config.name.as_deref().unwrap_or(&config.element);
                let key = match envs {
                    Some(envs) => format!("weak-encryption|{name}|{}", envs.join(",")),
                    None => format!("weak-encryption|{name}"),
                };
                let mut f = Finding::new(&META, at.clone(), message)
                    .environments(envs.unwrap_or_default().iter().map(|e| e.to_string()))
                    .key(key)
                    .fix(fix);
                if at != &config.location {
                    f = f.related(Related::new(
                        &config.location,
                        format!("{} reads values encrypted this way", config_label(config)),
                    ));
                }
                for w in &weak {
                    if let Some(v) = w.at {
                        if v.location != *at {
                            f = f.related(Related::new(&v.location, w.text.clone()));
                        }
                    }
                }
                for (path, first, n) in &encrypted {
                    f = f.related(Related::new(
                        first,
                        format!("{n} value(s) of {} encrypted this way", file_name(path)),
                    ));
                }
                out.push(f);
            }
        }
        crate::support::disambiguate_keys(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::testkit::{app, loc, props, val};

    const XML: &str = "orders/src/main/mule/global.xml";

    fn config(
        element: &str,
        algorithm: Option<&str>,
        mode: Option<&str>,
        random: Option<&str>,
    ) -> SecurePropertiesConfig {
        SecurePropertiesConfig {
            name: Some("Secure_Props".into()),
            element: element.into(),
            location: loc(XML, 5),
            key: Some(val("${encryption.key}", XML, 5)),
            file: Some(val("properties/${mule.env}-secure.yaml", XML, 5).into()),
            algorithm: algorithm.map(|a| Box::new(val(a, XML, 6))),
            mode: mode.map(|m| Box::new(val(m, XML, 6))),
            use_random_ivs: random.map(|r| Box::new(val(r, XML, 6))),
        }
    }

    fn run(configs: Vec<SecurePropertiesConfig>) -> Vec<Finding> {
        let mut a = app("orders", &["prod"]);
        a.secure_property_configs = configs;
        a.property_files = vec![props(
            "orders/src/main/resources/properties/prod-secure.yaml",
            Some("prod"),
            true,
            &[("sfdc.password", "![abc]"), ("sfdc.user", "x")],
        )]
        .into();
        a.property_files.push(props(
            "orders/src/main/resources/properties/prod.yaml",
            Some("prod"),
            false,
            &[("algo", "DES")],
        ));
        WeakPropertyEncryption.check(&Inventory {
            apps: vec![a],
            ..Default::default()
        })
    }

    #[test]
    fn every_weakness_in_one_finding() {
        let f = run(vec![config(
            "secure-properties:config",
            Some("Blowfish"),
            Some("ECB"),
            None,
        )]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.line, 6, "the encrypt element");
        assert!(
            f[0].message
                .contains("the Blowfish algorithm (a 64-bit block")
                && f[0].message.contains(" and ECB mode"),
            "{}",
            f[0].message
        );
        assert!(!f[0].message.contains("fixed IV"), "ECB has no IV");
        assert!(f[0].fix.contains(
            "<secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/>"
        ));
        assert!(f[0].fix.contains("prod-secure.yaml"));
        // The config that reads the values, and the first encrypted value.
        let related: Vec<_> = f[0].related.iter().map(|r| r.line).collect();
        assert_eq!(related, vec![5, 1]);
    }

    #[test]
    fn defaults_have_fixed_ivs_and_properties_are_resolved() {
        let f = run(vec![config("secure-properties:config", None, None, None)]);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.ends_with("with fixed IVs (useRandomIVs not set: the IV is the key's first block, so equal values encrypt to the same ![...] text)"), "{}", f[0].message);
        let f = run(vec![config(
            "secure-properties:config",
            Some("${algo}"),
            None,
            Some("true"),
        )]);
        assert!(
            f[0].message
                .contains("the DES algorithm (set by ${algo}, a 56-bit key"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn strong_settings_are_clean_and_mule3_always_has_fixed_ivs() {
        for alg in ["AES", "Rijndael", "Twofish", "Camellia"] {
            assert!(
                run(vec![config(
                    "secure-properties:config",
                    Some(alg),
                    Some("CBC"),
                    Some("true")
                )])
                .is_empty(),
                "{alg}"
            );
        }
        let m3 = run(vec![config(
            "secure-property-placeholder:config",
            Some("AES"),
            Some("CBC"),
            None,
        )]);
        assert_eq!(m3.len(), 1);
        assert_eq!(m3[0].location.line, 5, "the placeholder element");
        assert!(
            m3[0]
                .message
                .contains("fixed IVs (Mule 3 has no random-IV option"),
            "{}",
            m3[0].message
        );
        let f = run(vec![config(
            "secure-property-placeholder:config",
            Some("DESede"),
            Some("CBC"),
            None,
        )]);
        assert!(f[0].fix.contains("encryptionAlgorithm=\"AES\""));
    }

    #[test]
    fn algorithm_list() {
        for weak in [
            "DES", "DESede", "Blowfish", "CAST5", "RC2", "RC5", "XTEA", "TEA", "Skipjack", "RCA",
            "rc4",
        ] {
            assert!(weak_algorithm(weak).is_some(), "{weak}");
        }
        for strong in [
            "AES", "Camellia", "CAST6", "Serpent", "Twofish", "RC6", "Noekeon", "SEED", "Unknown",
        ] {
            assert!(weak_algorithm(strong).is_none(), "{strong}");
        }
    }
}
