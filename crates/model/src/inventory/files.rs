use serde::Serialize;
use thin_vec::ThinVec;

use crate::location::{FilePath, Location};

/// Facts the text reader found in one file (any text file, in an app or not).
/// A scan holds them to its end; the kinds of facts most files lack are
/// [`ThinVec`]s (8 bytes when empty, not 24).
#[derive(Debug, Default, Clone, Serialize)]
pub struct TextFileFacts {
    /// The file's display path, shared with its facts' locations.
    pub path: FilePath,
    pub tokens: ThinVec<TokenCandidate>,
    pub private_keys: ThinVec<PrivateKeyBlock>,
    /// `name=value` definitions that configure a runtime: `-Dname=value` in
    /// scripts, launch files and `.mvn/*.config`, `<name>value</name>` in a
    /// pom's `<properties>`, `export NAME=value`.
    pub assignments: Vec<Assignment>,
    /// Salesforce CLI JWT bearer logins (`sf org login jwt`, `sfdx
    /// auth:jwt:grant`) in scripts and CI files: the key file they sign with
    /// and the user they log in as.
    pub cli_jwt_logins: ThinVec<CliJwtLogin>,
}

impl TextFileFacts {
    /// Nothing was found in the file.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
            && self.private_keys.is_empty()
            && self.assignments.is_empty()
            && self.cli_jwt_logins.is_empty()
    }
}

/// `sf org login jwt --username U --jwt-key-file F --client-id C` (or the
/// deprecated `sfdx auth:jwt:grant --username U --jwtkeyfile F --clientid C`,
/// and the short flags `-o`/`-u`, `-f`, `-i`), as written.
#[derive(Debug, Clone, Serialize)]
pub struct CliJwtLogin {
    /// The command (`sf org login jwt`, `sfdx auth:jwt:grant`).
    pub command: String,
    /// The key file's path as written (may be a variable: `$JWT_KEY_FILE`).
    pub key_file: String,
    /// The username as written, when given (may be a variable).
    pub username: Option<String>,
    /// Where the command is written.
    pub location: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenKind {
    /// `00D...!...`: an org id, `!`, and a session/access token.
    AccessToken,
    /// `5Aep861...`: an OAuth refresh token.
    RefreshToken,
    /// `3MVG9...`: a connected app consumer key (not secret alone; secret
    /// together with a consumer secret).
    ConsumerKey,
}

/// A string shaped like a Salesforce credential. `value` is the secret itself:
/// it never leaves the process except masked.
#[derive(Debug, Clone, Serialize)]
pub struct TokenCandidate {
    pub kind: TokenKind,
    #[serde(skip)]
    pub value: String,
    pub location: Location,
    /// The Salesforce host written nearest to it in the same file, within a
    /// few lines (`acme--qa.sandbox.my.salesforce.com`): most likely the org
    /// it was issued by.
    pub host: Option<String>,
}

/// `-----BEGIN ... PRIVATE KEY-----` (or OpenPGP's `-----BEGIN PGP PRIVATE
/// KEY BLOCK-----`) in a text file.
#[derive(Debug, Clone, Serialize)]
pub struct PrivateKeyBlock {
    /// The PEM label, e.g. `RSA PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, `PGP
    /// PRIVATE KEY BLOCK`.
    pub label: String,
    /// Whether the key is passphrase-protected; `None` when that could not
    /// be told (an OpenPGP key whose packets could not be read).
    pub encrypted: Option<bool>,
    pub location: Location,
    /// A short SHA-256 digest of the block's body (its base64, whatever the
    /// line breaks, indentation or escapes around it), so that a key replaced
    /// by another is told apart from the same key moved ([`crate::secret::fingerprint`]
    /// length; never the key). `None` when not computed.
    #[serde(skip)]
    pub digest: Option<String>,
}

/// Whether keys are encrypted, taken together: `Some(false)` when any one is
/// in clear, `Some(true)` when there are some and every one is encrypted,
/// `None` otherwise.
pub fn keys_encrypted(each: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let (mut encrypted, mut unknown) = (false, false);
    for e in each {
        match e {
            Some(false) => return Some(false),
            Some(true) => encrypted = true,
            None => unknown = true,
        }
    }
    (encrypted && !unknown).then_some(true)
}

/// A `name=value` definition outside property files.
#[derive(Debug, Clone, Serialize)]
pub struct Assignment {
    pub name: Box<str>,
    #[serde(skip)]
    pub value: Box<str>,
    /// The name holds a secret or an encryption key (vocabulary of `vocab`).
    pub secret: bool,
    pub location: Location,
    /// How it is written, which says where the value should come from
    /// instead.
    pub form: DefinitionForm,
}

/// How a definition outside property files is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DefinitionForm {
    /// `-Dname=value` (or the Mule wrapper's `-M-Dname=value`) on a
    /// command line.
    JavaOption,
    /// `NAME=value` / `export NAME=value` in a shell script or `.env` file.
    ShellVariable,
    /// A `<properties>` child of a `pom.xml` (or of a Mule Maven plugin
    /// deployment's `<properties>` / `<secureProperties>`).
    PomProperty,
    /// A setting of a plugin's `<configuration>` in a `pom.xml`, named
    /// `parent/setting` (`cloudhub2Deployment/password`).
    PomPluginSetting,
    /// A `<server>` credential of a Maven `settings.xml` (`<password>`,
    /// `<passphrase>`): Maven reads `${env.NAME}` there.
    MavenServer,
    /// A `{"key": NAME, "value": VALUE}` pair of a JSON file (Postman
    /// environments and collections).
    JsonKeyValue,
    /// A Dockerfile's `ENV` or `ARG`: kept in the image's layers and
    /// history, readable by anyone who can pull it.
    DockerfileVariable,
    /// The `name` / `value` pair of a container's `env` list (Kubernetes).
    ContainerEnv,
    /// A long option of a command (`--client_secret VALUE`,
    /// `--password=VALUE`), named with its dashes.
    CommandOption,
    /// The password of a command's Basic authentication option (`curl -u
    /// user:password`, `--user`), named `-u password`.
    BasicAuthOption,
    /// A `name=value` field of a form-encoded body a command sends
    /// (`curl -d "...&client_secret=..."`, `--data-urlencode "password=..."`).
    FormField,
    /// A form field of an OAuth username-password login
    /// (`grant_type=password&...&password=...`): the password flow, in a
    /// script.
    PasswordGrantField,
    /// A DataWeave script's `var apiKey = "..."` (a `.dwl` file, or a script
    /// written in Mule XML).
    DataWeaveVariable,
    /// An `ee:set-variable` (Mule 3 `dw:set-variable`) named like a secret
    /// whose DataWeave script is one string literal.
    SetVariableScript,
    /// The client secret of an SFDX auth URL
    /// (`force://<client id>:<client secret>:<refresh token>@<host>`, which
    /// `sf org display --verbose` prints and `sf org login sfdx-url` reads),
    /// named `clientSecret`.
    SfdxAuthUrl,
    /// A `key: value`, `key=value` or `<key>value</key>` line of any other
    /// file.
    #[default]
    Line,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyMaterialKind {
    /// A PEM file holding a private key.
    PemPrivateKey,
    /// A binary (DER) PKCS#8 private key file.
    DerPrivateKey,
    /// A binary (DER) PKCS#1 `RSAPrivateKey` file: that form is never
    /// encrypted.
    DerPkcs1PrivateKey,
    /// A binary (DER) SEC1 `ECPrivateKey` file: never encrypted either.
    DerSec1PrivateKey,
    /// A PuTTY private key file (`.ppk`, told by its first line).
    PuttyPrivateKey,
    /// A file of OpenPGP private key blocks (`-----BEGIN PGP PRIVATE KEY
    /// BLOCK-----`).
    PgpPrivateKey,
    /// A binary OpenPGP keyring or key export holding a private key
    /// (`secring.gpg`, `gpg --export-secret-keys`).
    PgpKeyring,
    Jks,
    Pkcs12,
    /// `.keystore`, and keystores of other types: JCEKS (`.jceks`),
    /// BouncyCastle (`.bks`, `.bcfks`).
    Keystore,
}

/// A private key or keystore file committed to the repository.
#[derive(Debug, Clone, Serialize)]
pub struct KeyMaterial {
    pub kind: KeyMaterialKind,
    pub location: Location,
    /// For PEM, DER, PuTTY and OpenPGP keys: whether the key is encrypted (`None` when
    /// that cannot be told). For keystores `None`: see [`Self::keystore_protection`].
    pub encrypted: Option<bool>,
    /// For a PKCS#12 keystore holding a private key: how that key is protected, as told
    /// without its password. `None` for other files, and when it cannot be told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keystore_protection: Option<KeystoreProtection>,
    pub size: u64,
    /// A short SHA-256 digest of what the file holds (a binary file's bytes;
    /// a PEM file's key blocks' bodies, see [`PrivateKeyBlock::digest`]): a
    /// key or keystore replaced by another at the same path is told apart.
    /// Never the key. `None` when not computed.
    #[serde(skip)]
    pub digest: Option<String>,
}

/// How a keystore's private key is protected (PKCS#12, read without its password).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeystoreProtection {
    /// The key is stored unencrypted (a PKCS#12 key bag in clear): no password protects it.
    KeyInClear,
    /// The key opens with the empty password.
    EmptyPassword,
    /// A non-empty password is needed.
    Password,
}

/// An `intguard-ignore IG102: reason` comment.
///
/// It covers the findings from the comment's line ([`Self::location`])
/// through [`Self::covers_until_line`], both included.
#[derive(Debug, Clone, Serialize)]
pub struct InlineSuppression {
    /// Where the comment starts.
    pub location: Location,
    /// Rule ids or names; empty means every rule.
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// The last line (1-based) the suppression covers. In XML, a `<!-- -->`
    /// comment covers the element that follows it and that element's whole
    /// subtree, so this is the line where that element ends. Elsewhere
    /// (`#`, `//` and other comments in YAML, properties and other text), and
    /// for `intguard-ignore-next-line`, it is the line after the comment; for
    /// a comment that ends a line of text, that line.
    pub covers_until_line: u32,
}
