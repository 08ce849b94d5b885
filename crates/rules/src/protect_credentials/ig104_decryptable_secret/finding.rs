//! The finding for one decrypted value: what it exposes, who reads it, and
//! what to change (the secret where it is issued, the key, the values).

use mule_secure_props::Cipher;

use intguard_model::{
    Finding, Inventory, IssuedSecret, MuleApp, Related, SecretChange, SecretFacts, SecretKey,
};

use super::super::ig103_committed_encryption_key::{key_digest, KeySource, KeySourceKind};
use super::keys::Candidate;
use super::{Hit, META};
use crate::support::{connection_identities, describe_identities, file_name, short_location};

/// How a leaked secret is changed where it is issued, by what its property
/// holds; a password or token that no Salesforce connection reads
/// (`salesforce_user` `None`) is another system's, not the integration
/// user's.
pub(super) fn change_where_issued(key: &str, salesforce_user: Option<&str>) -> String {
    let k = key.to_ascii_lowercase();
    match salesforce_user {
        Some(user) if k.ends_with("token") => {
            format!("reset the security token of {user}")
        }
        Some(user) if k.contains("password") => format!("reset the password of {user}"),
        None if k.ends_with("token") && !k.contains("secret") => {
            "revoke the token at its issuer and issue a new one".to_string()
        }
        None if k.contains("password")
            && !k.contains("store")
            && !k.contains("keypassword")
            && !k.contains("key.password") =>
        {
            "change the password in the system it logs in to".to_string()
        }
        _ => issued_secret_change(key).to_string(),
    }
}

/// What to change for a leaked value, by what reads it
/// ([`intguard_model::SecretKey::change`]): a Salesforce connection's
/// `password` or `securityToken` is the user's to reset, its
/// `storePassword` (or a nested TLS store's password) opens the
/// certificate's key, its `consumerSecret` or `clientSecret` is the app's.
/// The property's own name decides only when no connection reads it
/// ([`change_where_issued`]): a name says less than the attribute
/// (`storePassword="${secure::sf.jwt.pw}"`, `password="${secure::sf.login}"`).
fn change_for_reader(key: &str, salesforce_user: Option<&str>, change: SecretChange) -> String {
    let user = salesforce_user.unwrap_or("the Salesforce user the connection logs in as");
    match change {
        SecretChange::SecurityToken => format!("reset the security token of {user}"),
        SecretChange::Password => format!("reset the password of {user}"),
        SecretChange::Issued(issued) => issued_wording(issued).to_string(),
        SecretChange::ByName => change_where_issued(key, salesforce_user),
    }
}

/// [`change_where_issued`] for what is not a login's password or token.
fn issued_secret_change(key: &str) -> &'static str {
    issued_wording(issued_secret(key))
}

/// What the property or attribute named `key` holds, when changed where it
/// is issued ([`issued_wording`]).
pub(super) fn issued_secret(key: &str) -> IssuedSecret {
    let k = key.to_ascii_lowercase();
    let has = |w: &str| k.contains(w);
    if has("store") || has("key.password") || has("keypassword") {
        IssuedSecret::KeyStore
    } else if has("consumerkey")
        || has("consumer.key")
        || has("client_id")
        || has("client.id")
        || has("clientid")
    {
        IssuedSecret::ConsumerKey
    } else if has("secret") {
        IssuedSecret::Secret
    } else {
        IssuedSecret::Other
    }
}

/// How a secret of that kind is changed where it is issued.
fn issued_wording(issued: IssuedSecret) -> &'static str {
    match issued {
        IssuedSecret::KeyStore => "issue a new keystore (new key pair and certificate, new password) and replace the certificate wherever it is trusted",
        IssuedSecret::ConsumerKey => "regenerate the connected app's consumer key and secret (Setup > App Manager > the app > View > Manage Consumer Details)",
        IssuedSecret::Secret => "regenerate the secret at its issuer (for a connected app: Manage Consumer Details > Generate new secret)",
        IssuedSecret::Other => "revoke it and issue a new one where it is issued (an API key: at the API's provider)",
    }
}

/// The Salesforce users whose connections read the property `key`, in
/// the environment `env` of its file when the file has one.
fn value_identities(
    inventory: &Inventory,
    app: &MuleApp,
    key: &SecretKey,
    env: Option<&str>,
) -> Option<String> {
    let mut who: Vec<String> = Vec::new();
    for &c in key.connections.iter() {
        let Some(conn) = app.salesforce_connections.get(c as usize) else {
            continue;
        };
        let mut ids = connection_identities(inventory, app, conn);
        if let Some(env) = env {
            if ids.iter().any(|i| i.environment.as_deref() == Some(env)) {
                ids.retain(|i| i.environment.as_deref() == Some(env));
            }
        }
        if let Some(w) = describe_identities(&ids) {
            if !who.contains(&w) {
                who.push(w);
            }
        }
    }
    (!who.is_empty()).then(|| who.join(", "))
}

/// One finding per decrypted value, at the value.
pub(super) fn finding_for(
    inventory: &Inventory,
    app: &MuleApp,
    facts: &SecretFacts,
    candidate: &Candidate<'_>,
    hit: &Hit,
) -> Finding {
    let value = &facts.values[hit.value];
    let (file, config) = (
        &facts.files[value.file as usize],
        &facts.configs[hit.config],
    );
    let key = &facts.keys[value.key as usize];
    let name = facts.key_of(value);
    let file_label = file_name(&file.path);
    let env = facts.environment(file.environment);
    // The copy the value's environment reads, when the best place is one of
    // several environments' copies of one property (`encryption.key` in
    // config-dev.yaml and config-prod.yaml): a prod value names prod's.
    let first = &candidate.sources[0];
    let own = candidate
        .sources
        .iter()
        .position(|s| {
            env.is_some()
                && s.environment == env
                && s.name == first.name
                && s.app.map(std::ptr::from_ref) == first.app.map(std::ptr::from_ref)
        })
        .unwrap_or(0);
    let src = &candidate.sources[own];
    let in_env = env.map(|e| format!(" ({e})")).unwrap_or_default();
    let elsewhere = match src.app {
        Some(other) if other.name != app.name => format!(" of app {}", other.name),
        _ => String::new(),
    };
    let shown = hit
        .digest
        .as_ref()
        .map(|d| format!(" (the value: {d})"))
        .unwrap_or_default();
    let message = format!(
        "{}: `{name}` in {file_label}{in_env} decrypts with the committed secure-properties key ({}{elsewhere}, {}) of {} ({}): anyone with the repository can read it{shown}",
        app.name,
        src.describe(),
        key_digest(&src.value),
        config.label_in.as_deref().unwrap_or(&config.label),
        hit.cipher,
    );
    let prop = config.key_name.as_deref().unwrap_or("encryption.key");
    let mule3 = config.mule3;
    let keep = if mule3 {
        format!("supplied at deploy time only (-M-D{prop}=... from the deployment's secret store)")
    } else {
        format!("supplied at deploy time only (a Runtime Manager protected property `{prop}`, listed in mule-artifact.json \"secureProperties\")")
    };
    // Settings IG108 reports as weak change with the key, in the same pass:
    // rotating under them would leave the values to re-encrypt once more.
    let upgrade = config.upgrade;
    // A Mule plugin's config: the folder holding it and the apps importing
    // it, whose values it reads.
    let folder = config.folder.as_deref().unwrap_or(&app.root);
    let reencrypt = if upgrade {
        // Mule 3's secure-property-placeholder has no random IVs.
        let target = if config.random_iv_option {
            "AES/CBC and random IVs"
        } else {
            "AES/CBC"
        };
        format!(
            "re-encrypt the app's ![...] values under it with {target}, setting its secure-properties configurations to match (IG108), in one step ({}), and encrypt the new secret with it ({})",
            crate::support::upgrade_encryption_command(folder),
            encrypt_command(
                &Cipher::recommended(config.random_iv_option),
                "<VAR holding the new key>"
            )
        )
    } else {
        format!(
            "re-encrypt the app's ![...] values under it ({}) and encrypt the new secret with it ({})",
            crate::support::rotate_key_command(folder),
            encrypt_command(&hit.cipher, "<VAR holding the new key>")
        )
    };
    let remove = match src.kind {
        KeySourceKind::Literal => format!(
            "replace the literal key attribute at {} with key=\"${{{prop}}}\"",
            short_location(src.location)
        ),
        _ if !src.pieces.is_empty() => format!(
            "delete {} (the key is assembled from them) and purge them from git history",
            src.definitions()
        ),
        _ => format!("delete {} and purge it from git history", src.describe()),
    };
    let who = value_identities(inventory, app, key, env);
    // The other apps that log in as the user, added to the fix by
    // `crate::complete` (listed once per user for all findings).
    let shared_user = who
        .clone()
        .filter(|_| crate::identities::is_login_secret(name));
    // A file no secure-properties config loads: Mule hands on its `![...]`
    // text as it is, and `fix secrets` re-encrypts only what a config
    // loads, so the new secret belongs in a file the config does load.
    let config_label = config.label_in.as_deref().unwrap_or(&config.label);
    let unloaded = if file.reader.is_none() {
        let read_as = if mule3 {
            String::new()
        } else {
            format!(" and read it as ${{secure::{name}}}")
        };
        format!(
            "; put the new secret, encrypted, in a file {config_label} loads{read_as}: no secure-properties configuration loads {file_label}, so Mule does not decrypt it there and intguard fix secrets leaves it as it is"
        )
    } else {
        String::new()
    };
    let fix = format!(
        "Treat `{name}`{in_env} as leaked and {}. Generate a new key, {keep}; {reencrypt}{unloaded}; and {remove}.",
        change_for_reader(name, who.as_deref(), key.change),
    );
    // With the value's digest when it decrypts to text: a secret rotated
    // but encrypted with the committed key again is exposed again, a new
    // finding for a baseline.
    let fingerprint_key = format!("decrypt|{file_label}|{name}");
    let finding = Finding::new(&META, facts.location(value), message)
        .maybe_identity(who)
        .environments(env);
    let finding = match &hit.digest {
        Some(digest) => finding.key_with_value(fingerprint_key, digest),
        None => finding.key(fingerprint_key),
    };
    let mut finding = finding.fix(fix).related(Related::new(
        src.location,
        format!("the committed key that decrypts it: {}", src.describe()),
    ));
    for piece in &src.pieces {
        finding = finding.related(Related::new(
            piece.location,
            format!("part of the committed key: {}", piece.describe()),
        ));
    }
    // The config, unless the key is its own literal attribute on the same line.
    if (&config.location.path, config.location.line) != (&src.location.path, src.location.line) {
        finding = finding.related(Related::new(
            &config.location,
            if file.reader.is_some() {
                format!(
                    "{} decrypts {file_label} with this key ({})",
                    match &config.label_in {
                        Some(label) => format!("{label},"),
                        None => config.label.to_string(),
                    },
                    hit.cipher
                )
            } else {
                format!(
                    "with this key, the cipher of {config_label} ({}) opens it, though that configuration does not load {file_label}",
                    hit.cipher
                )
            },
        ));
    }
    let others: Vec<&KeySource<'_>> = candidate
        .sources
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != own)
        .map(|(_, s)| s)
        .collect();
    let unlisted = others.len().saturating_sub(COPIES_LISTED);
    for (i, other) in others.iter().take(COPIES_LISTED).enumerate() {
        let more = if unlisted > 0 && i + 1 == COPIES_LISTED {
            format!(
                "; {unlisted} more place{} commit{} it, each an IG103 finding",
                if unlisted == 1 { "" } else { "s" },
                if unlisted == 1 { "s" } else { "" }
            )
        } else {
            String::new()
        };
        finding = finding.related(Related::new(
            other.location,
            format!(
                "the same key is also committed here ({}){more}",
                other.describe()
            ),
        ));
    }
    if let Some(user) = shared_user {
        finding.shared_user_notes.push((user, app.name.clone()));
    }
    finding
}

/// How many other places committing the same key a finding lists: in a
/// monorepo whose apps share one key, listing them all on every value it
/// opens made the report grow with the square of the apps. IG103 reports
/// every place.
const COPIES_LISTED: usize = 3;

/// Prints a value as `![...]` with the cipher the config decrypts it with
/// in the finding's environment (its algorithm and mode resolved, not
/// `${enc.alg}` as written), the key in `key_var`.
fn encrypt_command(cipher: &Cipher, key_var: &str) -> String {
    format!(
        "intguard secure-props encrypt --key-env {key_var} --algorithm {} --mode {}{} --wrap",
        cipher.algorithm.name(),
        cipher.mode.name(),
        if cipher.random_iv { " --random-iv" } else { "" }
    )
}
