use std::collections::HashSet;

use intguard_model::{
    keys_encrypted, CliJwtLogin, Finding, Inventory, KeyLoaderKind, KeyMaterial, KeyMaterialKind,
    KeystoreProtection, Location, MuleApp, MuleRuntime, Practice, PrivateKeyBlock, Related,
    RuleMeta, Severity, StoreFile, StoreRef, StoreSource,
};

use super::store_refs::{app_store_refs, store_identities};
use crate::support::{
    app_for_path, describe_identities, file_name, short_location, ClearValue, EnvIdentity,
};
use crate::Rule;

pub struct CommittedPrivateKey;

static META: RuleMeta = RuleMeta {
    id: "IG105",
    name: "committed-private-key",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::High,
    summary: "A private key or keystore is committed to the repository",
    doc: r#"## What it does
Flags private keys and keystores committed to the repository: PEM files holding a
private key (`BEGIN RSA PRIVATE KEY`, `BEGIN PRIVATE KEY`, `BEGIN ENCRYPTED PRIVATE
KEY`, ...), binary (DER) PKCS#8, PKCS#1 and SEC1 (EC) keys (`.der`, `.key`, `.p8`, `.pk8`), Java
keystores (`.jks`, `.jceks`, `.keystore`), BouncyCastle keystores (`.bks`, `.bcfks`)
and PKCS#12 files (`.p12`, `.pfx`), PuTTY private keys (`.ppk`, told by their
`PuTTY-User-Key-File-` first line whatever the file's name), OpenPGP private keys
(`BEGIN PGP PRIVATE KEY BLOCK`, which Mule's Crypto module `crypto:pgp-config` loads,
and binary keyrings and exports holding a secret key: `secring.gpg`, `.pgp`, `.skr`),
and private key blocks pasted into any other text file. It links each keystore to the
configurations that load it (`tls:key-store path=`, the JWT connection's `keyStore=`,
Mule 3's HTTPS connector stores `<https:tls-key-store>`, `<https:tls-client>`, `<https:tls-server>`,
the Crypto module's `<crypto:jce-config keystore=>` and `<crypto:pgp-config
privateKeyring= publicKeyring=>`, Mule 3's PGP key manager bean
`org.mule.module.pgp.PGPKeyRingImpl` with its `secretKeyRingFileName` and
`publicKeyRingFileName` properties, an SFTP connection's `identityFile`, a Salesforce
CLI JWT login in a script or CI file: `sf org login jwt --jwt-key-file`, `sfdx
auth:jwt:grant --jwtkeyfile`, with the user it logs in as) and raises the finding to
critical when the key is not encrypted (a PEM key without a passphrase, a binary
PKCS#8 key that is not an `EncryptedPrivateKeyInfo`, any binary PKCS#1 or SEC1 key, a
PKCS#12 keystore with no password (its key in a plain key bag) or with the empty
password, a PuTTY key with `Encryption: none`, an OpenPGP key whose secret-key packets say their
secret follows in clear), or when the password that opens it is committed in clear
too, in the XML or in a property file of any environment (a keystore's
`storePassword`, `password`, `keyPassword`; a Crypto key info's `password`, the
`passphrase` of a `crypto:pgp-asymmetric-key-info` under the `crypto:pgp-config` that
loads the keyring, the key ring bean's `secretPassphrase`, an SFTP connection's
`passphrase`). A keystore that is only used as a trust store (public certificates) is
reported at low severity, unless it is seen to hold a private key. An OpenPGP key's
armor does not say whether a passphrase protects it: when its packets cannot be read
(a block cut short, an algorithm not known), the finding says so and stays high.

## Why is this bad?
The private key behind a JWT bearer connection *is* the integration user's
credential: whoever holds it (and the consumer key, which is not secret) can log in as
that user, from anywhere the connected app allows, without a password. A repository
is cloned to every laptop and CI runner and kept forever in git history; a keystore
whose password sits next to it protects nothing.

## Example
```xml
<!-- src/main/resources/keys/sfdc.jks is committed, and so is its password -->
<salesforce:sfdc-config name="Salesforce_Config">
  <salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}"
      keyStore="keys/sfdc.jks" storePassword="Kst0re!2024"
      certificateAlias="sfdc" principal="${sfdc.username}"/>
</salesforce:sfdc-config>
```

## How to fix
1. Treat the key as compromised: create a new key pair and certificate (for a Mule
   jwt-connection, a keystore: `intguard keys new --out <a folder outside the repository>
   --cn sfdc --keystore`), replace the certificate in the connected app or External Client
   App ("Use digital signatures"), then delete the old one.
2. Remove the file and purge it from history (`git filter-repo --invert-paths --path
   src/main/resources/keys/sfdc.jks`), and add `*.jks`, `*.jceks`, `*.p12`, `*.pfx`,
   `*.key`, `*.ppk` to `.gitignore`.
3. Provide the keystore at deploy time from a secret store or Runtime Manager, and
   its password as a hidden secure property:
```xml
<salesforce:sfdc-config name="Salesforce_Config">
  <salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}"
      keyStore="${sfdc.keystore.path}" storePassword="${secure::sfdc.keystore.password}"
      certificateAlias="sfdc" principal="${sfdc.username}"/>
</salesforce:sfdc-config>
```
with `sfdc.keystore.password` listed in `mule-artifact.json` `secureProperties`.

## References
- Salesforce Help: Create a Private Key and Self-Signed Digital Certificate
- Salesforce Help: OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration
- MuleSoft Docs: Configure TLS with Keystores and Truststores
- GitHub Docs: Removing sensitive data from a repository
"#,
};

/// A configuration that loads a keystore or key file by path.
struct KeyRef<'a> {
    /// The app the configuration belongs to; `None` for a script or CI file
    /// outside every app.
    app: Option<&'a MuleApp>,
    /// Where the path is written.
    at: Location,
    /// `keyStore of Salesforce connection `X``, `tls:key-store of HTTP listener `Y``.
    what: String,
    /// False for `tls:trust-store` and a PGP public keyring: public
    /// certificates or keys only.
    holds_key: bool,
    /// How the configuration uses the file (`as its key`).
    loads_as: &'static str,
    /// What to do about the key in this configuration's own terms, when
    /// the key's kind does not say it already.
    advice: Option<Advice>,
    /// The file names its path resolves to, with their environments.
    files: Vec<StoreFile>,
    /// Password attributes committed in clear.
    clear_passwords: Vec<(String, ClearValue)>,
    /// Who the owning Salesforce connection runs as, per environment.
    identities: Vec<EnvIdentity>,
}

/// Only references whose path names one of `files` (file names of the key
/// material found) in some environment: a finding is about a file, and a
/// monorepo's thousands of TLS stores mostly load files kept elsewhere.
fn references<'a>(inventory: &'a Inventory, files: &HashSet<&str>) -> Vec<KeyRef<'a>> {
    let mut out = Vec::new();
    if files.is_empty() {
        return out;
    }
    for app in &inventory.apps {
        for r in app_store_refs(inventory, app).iter() {
            if !r.files.iter().any(|f| files.contains(&*f.name)) {
                continue;
            }
            out.push(key_ref(inventory, app, r));
        }
    }
    for file in &inventory.text_files {
        for login in &file.cli_jwt_logins {
            if files.contains(file_name(login.key_file.trim())) {
                out.push(cli_jwt_reference(inventory, &file.path, login));
            }
        }
    }
    out
}

/// IG105's view of one of `app`'s store references.
fn key_ref<'a>(inventory: &Inventory, app: &'a MuleApp, r: &StoreRef) -> KeyRef<'a> {
    let (loads_as, advice) = match r.source {
        StoreSource::ConnectionKeyStore => ("as its key", None),
        StoreSource::Tls { https_connector } => (
            if r.holds_key {
                "as its key"
            } else {
                "as trusted certificates"
            },
            https_connector.then_some(Advice::provide(PROVIDE_MULE3_HTTPS)),
        ),
        StoreSource::Loader(kind) => (
            match (kind, r.holds_key) {
                (KeyLoaderKind::Jce, _) => "as its keystore",
                (KeyLoaderKind::SftpIdentity, _) => "as its SSH identity",
                (_, true) => "as its private keyring",
                (_, false) => "as its public keyring",
            },
            match kind {
                KeyLoaderKind::Jce => Some(Advice::provide(PROVIDE_JCE)),
                KeyLoaderKind::Pgp => None,
                KeyLoaderKind::PgpKeyRingBean => Some(Advice::provide(PROVIDE_PGP_MULE3)),
                KeyLoaderKind::SftpIdentity => Some(Advice {
                    rotate: Some(ROTATE_SSH),
                    provide: PROVIDE_SFTP,
                }),
            },
        ),
    };
    KeyRef {
        app: Some(app),
        at: r.at.clone(),
        what: r.what_unnamed().unwrap_or_else(|| r.what(app)),
        holds_key: r.holds_key,
        loads_as,
        advice,
        files: r.files.to_vec(),
        clear_passwords: r.clear_passwords.to_vec(),
        identities: store_identities(inventory, app, r),
    }
}

/// A Salesforce CLI JWT login in a script or CI file: the key it signs with,
/// for the user it names (when written out, not a variable).
fn cli_jwt_reference<'a>(inventory: &'a Inventory, path: &str, login: &CliJwtLogin) -> KeyRef<'a> {
    let identities = login
        .username
        .iter()
        .filter(|u| u.contains('@') && !u.contains(['$', '{', '%']))
        .map(|u| EnvIdentity {
            environment: None,
            username: u.clone(),
            defined_at: None,
        })
        .collect();
    KeyRef {
        app: app_for_path(inventory, path),
        at: login.location.clone(),
        what: format!("`{}` in {}", login.command, file_name(path)),
        holds_key: true,
        loads_as: "as its JWT signing key",
        advice: Some(Advice::provide(PROVIDE_CLI_JWT)),
        files: vec![StoreFile {
            name: file_name(login.key_file.trim()).into(),
            environments: vec![None].into(),
        }],
        clear_passwords: Vec::new(),
        identities,
    }
}

/// `orders-api ` before what an app's configuration does; nothing for a
/// script or CI file outside every app.
fn app_prefix(r: &KeyRef<'_>) -> String {
    r.app.map(|a| format!("{} ", a.name)).unwrap_or_default()
}

fn kind_phrase(kind: KeyMaterialKind, encrypted: Option<bool>, label: Option<&str>) -> String {
    match kind {
        KeyMaterialKind::PemPrivateKey => {
            let label = label.map(|l| format!(" ({l})")).unwrap_or_default();
            match encrypted {
                Some(false) => format!("an unencrypted PEM private key{label}"),
                Some(true) => format!("a passphrase-encrypted PEM private key{label}"),
                None => format!("a PEM private key{label}"),
            }
        }
        KeyMaterialKind::DerPrivateKey => match encrypted {
            Some(false) => "an unencrypted DER private key (PKCS#8)".to_string(),
            Some(true) => "a passphrase-encrypted DER private key (PKCS#8)".to_string(),
            None => "a DER private key (PKCS#8)".to_string(),
        },
        KeyMaterialKind::DerPkcs1PrivateKey => {
            "an unencrypted DER RSA private key (PKCS#1)".to_string()
        }
        KeyMaterialKind::DerSec1PrivateKey => {
            "an unencrypted DER EC private key (SEC1)".to_string()
        }
        KeyMaterialKind::PuttyPrivateKey => match encrypted {
            Some(false) => "an unencrypted PuTTY private key (Encryption: none)".to_string(),
            Some(true) => "a passphrase-encrypted PuTTY private key".to_string(),
            None => "a PuTTY private key".to_string(),
        },
        KeyMaterialKind::PgpPrivateKey => match encrypted {
            Some(false) => "an unencrypted OpenPGP private key (PGP PRIVATE KEY BLOCK)".to_string(),
            Some(true) => {
                "a passphrase-protected OpenPGP private key (PGP PRIVATE KEY BLOCK)".to_string()
            }
            None => format!("an OpenPGP private key (PGP PRIVATE KEY BLOCK; {PGP_UNKNOWN})"),
        },
        KeyMaterialKind::PgpKeyring => match encrypted {
            Some(false) => "an unencrypted OpenPGP private key (a binary keyring)".to_string(),
            _ => "a passphrase-protected OpenPGP private key (a binary keyring)".to_string(),
        },
        KeyMaterialKind::Jks => "a Java keystore (JKS)".to_string(),
        KeyMaterialKind::Pkcs12 => "a PKCS#12 keystore".to_string(),
        KeyMaterialKind::Keystore => "a keystore".to_string(),
    }
}

fn kind_key(kind: KeyMaterialKind) -> &'static str {
    match kind {
        KeyMaterialKind::PemPrivateKey => "pem",
        // One key file by name, whichever DER structure it holds.
        KeyMaterialKind::DerPrivateKey
        | KeyMaterialKind::DerPkcs1PrivateKey
        | KeyMaterialKind::DerSec1PrivateKey => "der",
        KeyMaterialKind::PuttyPrivateKey => "ppk",
        KeyMaterialKind::PgpPrivateKey | KeyMaterialKind::PgpKeyring => "pgp",
        KeyMaterialKind::Jks => "jks",
        KeyMaterialKind::Pkcs12 => "pkcs12",
        KeyMaterialKind::Keystore => "keystore",
    }
}

/// What an OpenPGP key whose packets could not be read is said to be: its
/// armor does not tell whether a passphrase protects it.
const PGP_UNKNOWN: &str = "whether a passphrase protects it could not be read from its packets";

const ROTATE_PGP: &str = "revoke it (publish its revocation certificate), create a new key pair and give its public key to the partners who encrypt to it or verify its signatures";

/// How to replace a compromised key: where its public half is trusted.
fn rotate(kind: KeyMaterialKind) -> &'static str {
    match kind {
        // An SSH key: PuTTY logs in to SSH and SFTP servers with it.
        KeyMaterialKind::PuttyPrivateKey => "create a new key pair and replace the public key wherever it is trusted (the authorized keys of the SSH or SFTP servers it logs in to)",
        KeyMaterialKind::PgpPrivateKey | KeyMaterialKind::PgpKeyring => ROTATE_PGP,
        _ => "create a new key pair and certificate and replace the certificate in the connected app or External Client App (Use digital signatures) or wherever it is trusted",
    }
}

/// Where Mule's Crypto module finds a key instead.
const PROVIDE_PGP: &str = "provide the private keyring at deploy time from a secret store or Runtime Manager (<crypto:pgp-config privateKeyring=\"${pgp.keyring.path}\" ...>) with its passphrase in a hidden secure property (passphrase=\"${secure::pgp.passphrase}\")";

const PROVIDE_PGP_MULE3: &str = "provide the secret keyring at deploy time from a secret store (<spring:property name=\"secretKeyRingFileName\" value=\"${pgp.secring.path}\"/>), with its passphrase encrypted in a file loaded by <secure-property-placeholder:config> (<spring:property name=\"secretPassphrase\" value=\"${pgp.passphrase}\"/>)";

const PROVIDE_SFTP: &str = "provide the SSH key at deploy time from a secret store (<sftp:connection identityFile=\"${sftp.identity.path}\" ...>), with its passphrase in a hidden secure property (passphrase=\"${secure::sftp.identity.passphrase}\")";

const PROVIDE_CLI_JWT: &str = "keep the key in the CI system's secret store and write it to a temporary file only for the login (sf org login jwt --jwt-key-file \"$RUNNER_TEMP/server.key\" ...), deleting it afterwards";

const PROVIDE_JCE: &str = "have Mule load the keystore at deploy time from a secret store or Runtime Manager (<crypto:jce-config keystore=\"${crypto.keystore.path}\" password=\"${secure::crypto.keystore.password}\" ...>), with each key info's password a hidden secure property too";

/// A configuration's own advice on a key it loads: how to replace the key
/// (else as its kind says) and how to provide it at deploy time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Advice {
    rotate: Option<&'static str>,
    provide: &'static str,
}

impl Advice {
    fn provide(provide: &'static str) -> Self {
        Advice {
            rotate: None,
            provide,
        }
    }
}

/// A Mule 3 HTTPS connector's store: Mule 3 has no `${secure::...}`.
const PROVIDE_MULE3_HTTPS: &str = "have Mule load the keystore at deploy time from a secret store (<https:tls-key-store path=\"${https.keystore.path}\" storePassword=\"${https.keystore.password}\" keyPassword=\"${https.key.password}\"/>), with its passwords encrypted by a <secure-property-placeholder:config> whose key is supplied at deploy time, or set as hidden properties in Runtime Manager";

const ROTATE_SSH: &str = "create a new SSH key pair and replace the old public key with the new one in the SFTP server's authorized keys";

/// `advice`: what every configuration that loads the file as its key says
/// (in its own syntax), when they agree.
fn fix_text(path: &str, kind: KeyMaterialKind, keystore: bool, advice: Option<Advice>) -> String {
    let rotate = advice.and_then(|a| a.rotate).unwrap_or(rotate(kind));
    let provide = if let Some(own) = advice {
        own.provide
    } else if keystore {
        "have Mule load the keystore at deploy time from a secret store or Runtime Manager (keyStore=\"${sfdc.keystore.path}\" / <tls:key-store path=\"${tls.keystore.path}\" .../>) with its password in a hidden secure property (storePassword=\"${secure::sfdc.keystore.password}\")"
    } else if matches!(
        kind,
        KeyMaterialKind::PgpPrivateKey | KeyMaterialKind::PgpKeyring
    ) {
        PROVIDE_PGP
    } else {
        "keep keys out of the repository: provide them at deploy time from a secret store or Runtime Manager, in a keystore whose password is a hidden secure property"
    };
    format!(
        "Consider the key compromised: {rotate}; remove {path} from the repository and purge it from git history (git filter-repo --invert-paths --path <its path from the repository root>, run at the root); {provide}."
    )
}

impl Rule for CommittedPrivateKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let files: HashSet<&str> = inventory
            .key_material
            .iter()
            .map(|k| file_name(&k.location.path))
            .collect();
        let refs = references(inventory, &files);
        let mut out = Vec::new();
        let material_paths: HashSet<&str> = inventory
            .key_material
            .iter()
            .map(|k| k.location.path.as_str())
            .collect();
        for km in &inventory.key_material {
            out.push(material_finding(inventory, km, &refs));
        }
        for file in &inventory.text_files {
            if material_paths.contains(file.path.as_str()) {
                continue;
            }
            for (i, block) in file.private_keys.iter().enumerate() {
                out.push(block_finding(inventory, &file.path, i, block));
            }
        }
        out
    }
}

/// A reference that loads a given file, with what applies where its path
/// names that file: a path set per environment (`keyStore="${sf.keystore}"`)
/// loads another file in each, as another user, with another password.
struct Loader<'r, 'a> {
    r: &'r KeyRef<'a>,
    identity: Option<String>,
    clear_passwords: Vec<&'r (String, ClearValue)>,
}

impl<'r, 'a> Loader<'r, 'a> {
    /// `None` when `r` names the file `name` in no environment.
    fn of(r: &'r KeyRef<'a>, name: &str) -> Option<Self> {
        let envs: Vec<Option<&str>> = r
            .files
            .iter()
            .filter(|f| &*f.name == name)
            .flat_map(|f| f.environments.iter().map(|e| e.as_deref()))
            .collect();
        if envs.is_empty() {
            return None;
        }
        // A value of no environment (inline, or a file read in every one)
        // applies wherever the file is loaded.
        let loaded_in =
            |env: Option<&str>| env.is_none() || envs.contains(&None) || envs.contains(&env);
        let identities: Vec<EnvIdentity> = r
            .identities
            .iter()
            .filter(|i| loaded_in(i.environment.as_deref()))
            .cloned()
            .collect();
        Some(Loader {
            r,
            identity: describe_identities(&identities),
            clear_passwords: r
                .clear_passwords
                .iter()
                .filter(|(_, c)| loaded_in(c.environment.as_deref()))
                .collect(),
        })
    }
}

fn material_finding(inventory: &Inventory, km: &KeyMaterial, refs: &[KeyRef<'_>]) -> Finding {
    let path = km.location.path.as_str();
    let name = file_name(path);
    let owner = app_for_path(inventory, path);
    // The first PEM label of the file, when the text reader saw it.
    let blocks: Vec<&PrivateKeyBlock> = inventory
        .text_files
        .iter()
        .filter(|f| f.path == path)
        .flat_map(|f| f.private_keys.iter())
        .collect();
    let label = blocks.first().map(|b| b.label.as_str());
    let encrypted = km
        .encrypted
        .or_else(|| keys_encrypted(blocks.iter().map(|b| b.encrypted)));

    // References to this file: by file name, from the app that holds it (or
    // from any app when the file lies outside every app).
    let matching: Vec<Loader<'_, '_>> = refs
        .iter()
        .filter(|r| match (owner, r.app) {
            (Some(o), Some(a)) => std::ptr::eq(o, a),
            _ => true,
        })
        .filter_map(|r| Loader::of(r, name))
        .collect();
    let as_key: Vec<&Loader<'_, '_>> = matching.iter().filter(|l| l.r.holds_key).collect();
    let trust_only = !matching.is_empty() && as_key.is_empty();
    // The aliases of the keystore's private key entries, as far as its
    // certificates were read (a JKS lists them without a password).
    let mut key_aliases: Vec<&str> = inventory
        .certificates
        .iter()
        .filter(|c| c.location.path == path && c.with_private_key)
        .map(|c| c.alias.as_deref().unwrap_or("no alias"))
        .collect();
    key_aliases.dedup();
    // The passwords committed in clear of the configurations that load it
    // as a key; of a trust store too once the file is seen to hold a
    // private key: its password opens that key all the same.
    let clear: Vec<(&KeyRef<'_>, &(String, ClearValue))> = matching
        .iter()
        .filter(|l| l.r.holds_key || !key_aliases.is_empty())
        .flat_map(|l| l.clear_passwords.iter().map(move |c| (l.r, *c)))
        .collect();

    let is_keystore = !matches!(
        km.kind,
        KeyMaterialKind::PemPrivateKey
            | KeyMaterialKind::DerPrivateKey
            | KeyMaterialKind::DerPkcs1PrivateKey
            | KeyMaterialKind::DerSec1PrivateKey
            | KeyMaterialKind::PuttyPrivateKey
            | KeyMaterialKind::PgpPrivateKey
            | KeyMaterialKind::PgpKeyring
    );
    // A PKCS#12 key that no password protects, or the empty one: as good as
    // unencrypted, whatever loads it.
    let opens_without_password = match km.keystore_protection {
        Some(KeystoreProtection::KeyInClear) => Some(
            "; it has no password: its private key is stored unencrypted (a PKCS#12 key bag in clear), so anyone with the repository can use it",
        ),
        Some(KeystoreProtection::EmptyPassword) => Some(
            "; its password is empty: its private key opens with the empty password, so anyone with the repository can use it",
        ),
        Some(KeystoreProtection::Password) | None => None,
    };
    let severity = if !is_keystore {
        // A passphrase committed beside the key opens it as surely as none.
        if encrypted == Some(false) || !clear.is_empty() {
            Severity::Critical
        } else {
            Severity::High
        }
    } else if !clear.is_empty() || opens_without_password.is_some() {
        Severity::Critical
    } else if trust_only && key_aliases.is_empty() {
        Severity::Low
    } else {
        Severity::High
    };

    let mut message = format!(
        "{} is committed: {}",
        name,
        kind_phrase(km.kind, encrypted, label)
    );
    match owner {
        Some(app) if app.plugin.is_some() => {
            message.push_str(&format!(" in Mule plugin {}", app.name))
        }
        Some(app) => message.push_str(&format!(" in app {}", app.name)),
        None => {}
    }
    // A Mule plugin's loader runs in each app importing its file, as the
    // user that app's properties make its connection log in as: the
    // references of the configurations lent to those apps, at the plugin's
    // own location.
    let plugin_owner = owner.filter(|o| o.plugin.is_some());
    let lent_identities = |l: &Loader<'_, '_>| -> Vec<(String, &str)> {
        let mut out: Vec<(String, &str)> = Vec::new();
        if plugin_owner.is_none() {
            return out;
        }
        for r in refs.iter().filter(|r| r.at == l.r.at) {
            let Some(app) = r.app.filter(|a| a.lending_plugin(&r.at.path).is_some()) else {
                continue;
            };
            if let Some(who) = Loader::of(r, name).and_then(|lent| lent.identity) {
                if !out.iter().any(|(w, a)| *w == who && *a == app.name) {
                    out.push((who, app.name.as_str()));
                }
            }
        }
        out
    };
    let mut lent_users: Vec<String> = Vec::new();
    let users: Vec<String> = matching
        .iter()
        .map(|l| {
            let r = l.r;
            let lent = lent_identities(l);
            for (w, _) in &lent {
                if !lent_users.contains(w) {
                    lent_users.push(w.clone());
                }
            }
            let who = if lent.is_empty() {
                l.identity
                    .as_deref()
                    .map(|w| format!(" as {w}"))
                    .unwrap_or_default()
            } else {
                let each: Vec<String> = lent.iter().map(|(w, a)| format!("{w} in {a}")).collect();
                format!(" as {}", each.join(", "))
            };
            format!(
                "{}{}{} ({})",
                app_prefix(r),
                r.what,
                who,
                short_location(&r.at)
            )
        })
        .collect();
    if !users.is_empty() {
        message.push_str(&format!("; loaded by {}", users.join(", ")));
    }
    // A key kept in a Mule plugin, loaded by a configuration in a file
    // apps import: it runs in each of them.
    if let Some(plugin) = owner.filter(|o| o.plugin.is_some()) {
        message.push_str(&plugin_importers_note(inventory, plugin, &matching));
    }
    if let Some(why) = opens_without_password {
        message.push_str(why);
        if trust_only {
            message.push_str(" (it is used as a trust store, yet it holds a private key)");
        }
    } else if !clear.is_empty() {
        let mut where_: Vec<String> = clear
            .iter()
            .map(|(_, (attr, c))| {
                let env = c
                    .environment
                    .as_deref()
                    .map(|e| format!(" for {e}"))
                    .unwrap_or_default();
                format!("{attr} at {}{env}", short_location(&c.defined_at))
            })
            .collect();
        // The same property can open the file for several loaders.
        let mut seen = HashSet::new();
        where_.retain(|w| seen.insert(w.clone()));
        let secret = if is_keystore {
            "password"
        } else {
            "passphrase"
        };
        message.push_str(&format!(
            "; its {secret} is committed in clear too ({})",
            where_.join(", ")
        ));
        if is_keystore && trust_only && !key_aliases.is_empty() {
            message.push_str(&format!(
                "; it is used as a trust store, yet it holds a private key (alias {})",
                key_aliases.join(", ")
            ));
        }
    } else if is_keystore && trust_only && !key_aliases.is_empty() {
        message.push_str(&format!(
            "; it is used as a trust store, yet it holds a private key (alias {})",
            key_aliases.join(", ")
        ));
    } else if is_keystore && trust_only {
        // Its entries were read (a JKS lists them; a PKCS#12 opened with a
        // committed or no password): it is known to hold no key.
        let read = inventory
            .certificates
            .iter()
            .filter(|c| c.location.path == path)
            .count();
        if read > 0 {
            message.push_str(&format!(
                "; it is only used as a trust store and holds public certificates only ({read} read, no private key): informational"
            ));
        } else {
            message.push_str(
                "; it is only used as a trust store: if it holds public certificates only, this is informational",
            );
        }
    } else if encrypted == Some(false) {
        message.push_str("; anyone with the repository can use it");
    }

    let identity = if lent_users.is_empty() {
        matching.iter().find_map(|l| l.identity.clone())
    } else {
        Some(lent_users.join(", "))
    };
    let mut environments: Vec<String> = clear
        .iter()
        .filter_map(|(_, (_, c))| c.environment.clone())
        .collect();
    environments.sort();
    environments.dedup();

    // A PEM file is reported at its first `BEGIN ... PRIVATE KEY` line; a
    // binary keystore as a whole file.
    let location = blocks
        .first()
        .map(|b| b.location.clone())
        .unwrap_or_else(|| km.location.clone());
    let finding = Finding::new(&META, location, message)
        .severity(severity)
        .maybe_identity(identity)
        .environments(environments);
    // With the digest of what the file holds: a key rotated but committed
    // again at the same path is a new exposure, a new finding for a baseline.
    let key = format!("{}|{}", kind_key(km.kind), name);
    let finding = match &km.digest {
        Some(digest) => finding.key_with_value(key, digest),
        None => finding.key(key),
    };
    let mut fix = fix_text(path, km.kind, is_keystore, loaders_advice(&as_key));
    // Loaded by Mule 3 apps only: their placeholders read an encrypted
    // value as `${name}`, without Mule 4's `secure::` prefix.
    let mule3 = matching.first().and_then(|l| l.r.app).filter(|_| {
        matching
            .iter()
            .all(|l| l.r.app.is_some_and(|a| a.runtime == MuleRuntime::Mule3))
    });
    if let Some(app) = mule3 {
        fix = crate::support::in_runtime_syntax(app, fix);
    }
    let mut finding = finding.fix(fix);
    for Loader { r, .. } in &matching {
        finding = finding.related(Related::new(
            &r.at,
            match r.app {
                Some(app) => format!("{} loads {name} ({} {})", app.name, r.what, r.loads_as),
                None => format!("{} loads {name} ({})", r.what, r.loads_as),
            },
        ));
    }
    for (r, (attr, c)) in &clear {
        let env = c.environment.as_deref().unwrap_or("every environment");
        let how = if c.inline {
            "written in the XML"
        } else {
            "a plain property value"
        };
        finding = finding.related(Related::new(
            &c.defined_at,
            format!("{attr} of {} in clear for {env} ({how})", r.what),
        ));
    }
    finding
}

/// `; secure-global.xml of Mule plugin common-lib, loading it, runs in the 2
/// apps importing it: orders-sapi, billing-sapi` for each file of the plugin
/// holding a loader of its key that apps of the scan import (in scan
/// order); empty when none is imported.
fn plugin_importers_note(
    inventory: &Inventory,
    plugin: &MuleApp,
    loaders: &[Loader<'_, '_>],
) -> String {
    let mut files: Vec<&str> = loaders
        .iter()
        .filter(|l| l.r.app.is_some_and(|a| std::ptr::eq(a, plugin)))
        .map(|l| l.r.at.path.as_str())
        .collect();
    files.sort_unstable();
    files.dedup();
    let mut out = String::new();
    for file in files {
        let apps: Vec<&str> = inventory
            .plugin_file_importers(plugin, file)
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        let importing = match apps.len() {
            0 => continue,
            1 => "the app importing it".to_string(),
            n => format!("the {n} apps importing it"),
        };
        out.push_str(&format!(
            "; {} of Mule plugin {}, loading it, runs in {importing}: {}",
            file_name(file),
            plugin.name,
            apps.join(", ")
        ));
    }
    out
}

/// The advice of the configurations that load a file as its key, when
/// there are some and they all give the same.
fn loaders_advice(as_key: &[&Loader<'_, '_>]) -> Option<Advice> {
    let first = as_key.first()?.r.advice?;
    as_key
        .iter()
        .all(|l| l.r.advice == Some(first))
        .then_some(first)
}

fn block_finding(
    inventory: &Inventory,
    path: &str,
    index: usize,
    block: &PrivateKeyBlock,
) -> Finding {
    let severity = if block.encrypted == Some(false) {
        Severity::Critical
    } else {
        Severity::High
    };
    let state = match block.encrypted {
        Some(true) => "a passphrase-encrypted",
        Some(false) => "an unencrypted",
        None => "a",
    };
    let mut message = format!(
        "{} contains {state} private key block (-----BEGIN {}-----)",
        file_name(path),
        block.label
    );
    if let Some(app) = app_for_path(inventory, path) {
        message.push_str(&format!(" in app {}", app.name));
    }
    let pgp = block.label.starts_with("PGP ");
    if block.encrypted.is_none() && pgp {
        message.push_str(&format!("; {PGP_UNKNOWN}"));
    }
    let (rotate, provide) = if pgp {
        (ROTATE_PGP, PROVIDE_PGP)
    } else {
        (
            "create a new key pair and certificate and replace the certificate wherever it is trusted (connected app or External Client App, Mutual Authentication Certificates)",
            "load keys at deploy time from a secret store or Runtime Manager instead",
        )
    };
    // With the digest of the block's body: another key pasted in its place
    // is a new exposure.
    let key = format!("pem-block|{}|{index}", block.label);
    let finding = Finding::new(&META, block.location.clone(), message).severity(severity);
    let finding = match &block.digest {
        Some(digest) => finding.key_with_value(key, digest),
        None => finding.key(key),
    };
    finding.fix(format!(
            "Consider the key compromised: {rotate}; delete the key block from {path} and purge it from git history (git filter-repo --replace-text <file>, where <file> holds the key block followed by ==>REMOVED); {provide}."
        ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::testkit::*;
    use intguard_model::{AuthClass, TextFileFacts};

    fn material(kind: KeyMaterialKind, path: &str, encrypted: Option<bool>) -> KeyMaterial {
        KeyMaterial {
            kind,
            location: Location::file(path),
            encrypted,
            keystore_protection: None,
            size: 1700,
            digest: None,
        }
    }

    fn block(path: &str, line: u32, label: &str, encrypted: Option<bool>) -> TextFileFacts {
        TextFileFacts {
            path: path.into(),
            private_keys: intguard_model::thin_vec![PrivateKeyBlock {
                label: label.into(),
                encrypted,
                location: loc(path, line),
                digest: None,
            }],
            ..Default::default()
        }
    }

    fn jwt_app(store_password: &str) -> MuleApp {
        let mut app = app("orders", &["dev", "prod"]);
        app.salesforce_connections.push(conn(
            "Salesforce_Config",
            "salesforce:jwt-connection",
            AuthClass::Certificate,
            "orders/src/main/mule/global.xml",
            20,
            &[
                ("keyStore", "${sfdc.keystore}"),
                ("storePassword", store_password),
                ("principal", "${sfdc.username}"),
            ],
        ));
        app.property_files.push(props(
            "orders/src/main/resources/properties/dev.yaml",
            Some("dev"),
            false,
            &[
                ("sfdc.keystore", "keys/sfdc.jks"),
                ("sfdc.username", "int.orders@acme.com.dev"),
            ],
        ));
        app.property_files.push(props(
            "orders/src/main/resources/properties/prod.yaml",
            Some("prod"),
            false,
            &[
                ("sfdc.keystore", "keys/sfdc.jks"),
                ("sfdc.username", "int.orders@acme.com"),
                ("sfdc.keystorePassword", "Kst0re!Prod2024"),
            ],
        ));
        app
    }

    fn run(inv: &Inventory) -> Vec<Finding> {
        CommittedPrivateKey.run(inv)
    }

    #[test]
    fn unencrypted_pem_file_is_critical_and_reported_once() {
        let path = "orders/src/main/resources/keys/jwt.key";
        let inv = Inventory {
            apps: vec![app("orders", &[])],
            key_material: vec![material(KeyMaterialKind::PemPrivateKey, path, Some(false))],
            text_files: vec![block(path, 1, "RSA PRIVATE KEY", Some(false))],
            ..Default::default()
        };
        let f = run(&inv);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(
            f[0].message
                .contains("unencrypted PEM private key (RSA PRIVATE KEY)"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("app orders"));
        assert_eq!(f[0].fingerprint_key, "pem|jwt.key");
        assert_eq!(f[0].location.line, 1, "reported at the BEGIN line");
    }

    /// With the digest of what a key file or a pasted block holds (the
    /// readers give it), the key is followed by it: a key replaced by
    /// another at the same place is a new finding; the key without it is
    /// kept for baselines written before it counted.
    #[test]
    fn keys_count_the_digest_of_what_they_hold() {
        let path = "orders/src/main/resources/keys/jwt.key";
        let env = "ops/.env";
        let with = |digest: &str| {
            let mut km = material(KeyMaterialKind::PemPrivateKey, path, Some(false));
            km.digest = Some(format!("{digest}0"));
            let mut in_env = block(env, 3, "PRIVATE KEY", Some(false));
            in_env.private_keys[0].digest = Some(format!("{digest}1"));
            let inv = Inventory {
                apps: vec![app("orders", &[])],
                key_material: vec![km],
                text_files: vec![block(path, 1, "RSA PRIVATE KEY", Some(false)), in_env],
                ..Default::default()
            };
            run(&inv)
        };
        let f = with("aaaa");
        let keys: Vec<(&str, Option<&str>)> = f
            .iter()
            .map(|f| {
                (
                    f.fingerprint_key.as_str(),
                    f.fingerprint_key_before_value.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            vec![
                ("pem|jwt.key|aaaa0", Some("pem|jwt.key")),
                (
                    "pem-block|PRIVATE KEY|0|aaaa1",
                    Some("pem-block|PRIVATE KEY|0")
                ),
            ]
        );
        for (rotated, before) in with("bbbb").iter().zip(&f) {
            assert_ne!(rotated.fingerprint_key, before.fingerprint_key);
            assert_eq!(
                rotated.fingerprint_key_before_value,
                before.fingerprint_key_before_value
            );
        }
    }

    #[test]
    fn keystore_with_committed_password_is_critical() {
        let inv = Inventory {
            apps: vec![jwt_app("${sfdc.keystorePassword}")],
            key_material: vec![material(
                KeyMaterialKind::Jks,
                "orders/src/main/resources/keys/sfdc.jks",
                None,
            )],
            ..Default::default()
        };
        let f = run(&inv);
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.environments, vec!["prod".to_string()]);
        assert!(
            f.message
                .contains("Salesforce connection `Salesforce_Config`"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("storePassword at prod.yaml:3 for prod"),
            "{}",
            f.message
        );
        assert!(f
            .identity
            .as_deref()
            .unwrap()
            .contains("int.orders@acme.com (prod)"));
        assert!(f
            .related
            .iter()
            .any(|r| r.path.ends_with("prod.yaml") && r.line == 3));
        assert!(f
            .related
            .iter()
            .any(|r| r.path.ends_with("global.xml") && r.line == 20));
        let all = format!("{} {} {:?}", f.message, f.fix, f.related);
        assert!(!all.contains("Kst0re"), "{all}");
    }

    #[test]
    fn keystore_with_deploy_time_password_is_high() {
        let inv = Inventory {
            apps: vec![jwt_app("${secure::sfdc.keystorePassword}")],
            key_material: vec![material(
                KeyMaterialKind::Pkcs12,
                "orders/src/main/resources/keys/sfdc.jks",
                None,
            )],
            ..Default::default()
        };
        let f = run(&inv);
        assert_eq!(f[0].severity, Severity::High);
        assert!(f[0].message.contains("loaded by orders"));
    }

    #[test]
    fn keystore_of_another_app_is_not_linked() {
        let inv = Inventory {
            apps: vec![jwt_app("Literal!Pass1"), app("billing", &[])],
            key_material: vec![material(
                KeyMaterialKind::Jks,
                "billing/keys/sfdc.jks",
                None,
            )],
            ..Default::default()
        };
        let f = run(&inv);
        assert_eq!(f[0].severity, Severity::High);
        assert!(!f[0].message.contains("loaded by"));
    }

    #[test]
    fn trust_store_only_is_low() {
        let mut a = app("orders", &[]);
        let mut ctx = tls(Some("ERP_TLS"), "orders/src/main/mule/global.xml", 30);
        ctx.trust_store = Some(store(
            "tls:trust-store",
            "orders/src/main/mule/global.xml",
            31,
            &[
                ("path", "certs/erp-truststore.jks"),
                ("password", "changeit"),
            ],
        ));
        a.tls_contexts.push(ctx);
        let inv = Inventory {
            apps: vec![a],
            key_material: vec![material(
                KeyMaterialKind::Jks,
                "orders/src/main/resources/certs/erp-truststore.jks",
                None,
            )],
            ..Default::default()
        };
        let f = run(&inv);
        assert_eq!(f[0].severity, Severity::Low, "{}", f[0].message);
        assert!(f[0].message.contains("trust store"));
    }

    #[test]
    fn key_store_with_literal_password_is_critical() {
        let mut a = app("orders", &[]);
        let mut ctx = tls(Some("TLS_Context"), "orders/src/main/mule/global.xml", 30);
        ctx.key_store = Some(store(
            "tls:key-store",
            "orders/src/main/mule/global.xml",
            32,
            &[
                ("path", "server.p12"),
                ("password", "changeit"),
                ("type", "pkcs12"),
            ],
        ));
        a.tls_contexts.push(ctx);
        let inv = Inventory {
            apps: vec![a],
            key_material: vec![material(
                KeyMaterialKind::Pkcs12,
                "orders/src/main/resources/server.p12",
                None,
            )],
            ..Default::default()
        };
        let f = run(&inv);
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(
            f[0].message.contains("password at global.xml:32"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn key_blocks_in_other_files() {
        let inv = Inventory {
            text_files: vec![
                block("docs/setup.md", 12, "PRIVATE KEY", Some(false)),
                block("scripts/key.txt", 1, "ENCRYPTED PRIVATE KEY", Some(true)),
                block(
                    "orders/src/test/resources/test.pem.txt",
                    1,
                    "PRIVATE KEY",
                    Some(false),
                ),
            ],
            apps: vec![app("orders", &[])],
            ..Default::default()
        };
        let mut f = run(&inv);
        f.sort_by(|a, b| a.location.cmp(&b.location));
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].location.path, "docs/setup.md");
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(f[1].severity, Severity::High, "test sources are lowered");
        assert_eq!(f[2].severity, Severity::High, "encrypted");
    }

    /// An OpenPGP block in clear is critical; one whose packets could not be
    /// read is high and says so, claiming neither state.
    #[test]
    fn pgp_blocks() {
        let label = "PGP PRIVATE KEY BLOCK";
        let inv = Inventory {
            text_files: vec![
                block("docs/a.md", 3, label, Some(false)),
                block("docs/b.md", 3, label, None),
            ],
            ..Default::default()
        };
        let mut f = run(&inv);
        f.sort_by(|a, b| a.location.cmp(&b.location));
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(
            f[0].message.contains(
                "contains an unencrypted private key block (-----BEGIN PGP PRIVATE KEY BLOCK-----)"
            ),
            "{}",
            f[0].message
        );
        assert!(f[0].fix.contains("revocation certificate"), "{}", f[0].fix);
        assert_eq!(f[1].severity, Severity::High);
        assert!(
            f[1].message.ends_with(
                "contains a private key block (-----BEGIN PGP PRIVATE KEY BLOCK-----); whether a passphrase protects it could not be read from its packets"
            ),
            "{}",
            f[1].message
        );
        assert!(!f[1].message.contains("encrypted"), "{}", f[1].message);
    }
}
