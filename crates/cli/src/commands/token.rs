//! `intguard token`: log in to Salesforce with the OAuth 2.0 JWT bearer flow
//! (certificate, no password), the way intguard tells integrations to, and show
//! what came back. Wiring only: the client is the `salesforce-auth` crate.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{ArgGroup, Args, ValueEnum};
use salesforce_auth::token::token_url;
use salesforce_auth::token::TokenSummary;
use salesforce_auth::transport::require_https;
use salesforce_auth::{
    check_key_file_mode, printable, request_token, AuthError, AuthErrorKind, ClientIdentitySource,
    KeyError, PrivateKey, PrivateKeySource, SecretString, TlsOptions, TokenRequest, TokenResponse,
};

use crate::{exit, output, secret_input};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenFormat {
    Text,
    Json,
}

const AFTER_HELP: &str = "\
Passwords are never taken on the command line: give the name of an environment variable that
holds them (--key-password-env, --keystore-password-env, ...), or type them at the prompt that
appears when standard input is a terminal.

Only https:// login URLs are accepted; an http:// URL is refused before anything is sent.

Exit codes: 0 a token was issued; 2 a usage error or any failure (unreadable key, TLS or network
failure, or Salesforce refused the login). Errors name the login URL and audience tried, and say
what to change in Setup.

Examples:
  intguard token --login-url https://login.salesforce.com --client-id 3MVG9... \\
      --username int.orders@acme.com --key keys/intguard-jwt.key
  export SFDC_KEYSTORE_PASSWORD=...
  intguard token --login-url https://test.salesforce.com --client-id 3MVG9... \\
      --username int.orders@acme.com.uat --keystore src/main/resources/sfdc.jks --alias sfdc \\
      --keystore-password-env SFDC_KEYSTORE_PASSWORD --print-token";

#[derive(Args)]
#[command(after_help = AFTER_HELP)]
pub struct TokenArgs {
    #[command(flatten)]
    pub auth: AuthArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: TokenFormat,
    /// Print the raw access token alone (for scripts), instead of the masked summary.
    #[arg(long)]
    print_token: bool,
}

/// How to log in (shared by `intguard token` and `intguard org audit`).
#[derive(Args, Clone)]
#[command(group(ArgGroup::new("signing_key").args(["key", "keystore"])))]
pub struct AuthArgs {
    /// Login URL: https://login.salesforce.com, https://test.salesforce.com (sandboxes) or the
    /// org's My Domain URL.
    #[arg(long, value_name = "URL")]
    login_url: Option<String>,
    /// Consumer key of the connected app or external client app (the assertion's `iss`).
    #[arg(long, value_name = "KEY")]
    client_id: Option<String>,
    /// Username of the integration user (the assertion's `sub`).
    #[arg(long, value_name = "USER")]
    username: Option<String>,
    /// Private key file: PEM (PKCS#1, PKCS#8, encrypted PKCS#8) or DER.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// PKCS#12 or JKS keystore holding the key (the one a Mule jwt-connection uses).
    #[arg(long, value_name = "FILE")]
    keystore: Option<PathBuf>,
    /// Alias of the private-key entry in --keystore (may be omitted when it holds one key).
    #[arg(long, value_name = "A", requires = "keystore")]
    alias: Option<String>,
    /// Environment variable holding the password of an encrypted --key, or the key password of
    /// a JKS --keystore entry when it differs from the store password.
    #[arg(long, value_name = "VAR")]
    key_password_env: Option<String>,
    /// Environment variable holding the --keystore password.
    #[arg(long, value_name = "VAR", requires = "keystore")]
    keystore_password_env: Option<String>,
    /// JWT audience [default: https://test.salesforce.com for test.salesforce.com and
    /// *.sandbox.my.salesforce.com login URLs, else https://login.salesforce.com].
    #[arg(long, value_name = "URL")]
    audience: Option<String>,
    /// Extra CA certificates (PEM) to trust besides the system roots, e.g. a TLS-inspecting
    /// proxy's.
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// Client certificate (PEM) for mutual TLS; My Domain hosts are then called on port 8443.
    #[arg(long, value_name = "PEM", requires = "client_key")]
    client_cert: Option<PathBuf>,
    /// Private key (PEM) of --client-cert.
    #[arg(long, value_name = "PEM", requires = "client_cert")]
    client_key: Option<PathBuf>,
    /// PKCS#12 or JKS keystore with the mutual-TLS client certificate and key.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["client_cert", "client_key"])]
    client_keystore: Option<PathBuf>,
    /// Alias of the key entry in --client-keystore (may be omitted when it holds one key).
    #[arg(long, value_name = "A", requires = "client_keystore")]
    client_alias: Option<String>,
    /// Environment variable holding the --client-keystore password.
    #[arg(long, value_name = "VAR", requires = "client_keystore")]
    client_keystore_password_env: Option<String>,
    /// Environment variable holding the password of an encrypted --client-key (or the JKS key
    /// password of the --client-keystore entry).
    #[arg(long, value_name = "VAR")]
    client_key_password_env: Option<String>,
}

impl AuthArgs {
    /// The files the login reads, each with what it is: an output must not
    /// replace one.
    pub fn files(&self) -> Vec<(&std::path::Path, &'static str)> {
        [
            (self.key.as_deref(), "the private key"),
            (self.keystore.as_deref(), "the keystore"),
            (self.ca_file.as_deref(), "the CA file"),
            (self.client_cert.as_deref(), "the client certificate"),
            (self.client_key.as_deref(), "the client key"),
            (self.client_keystore.as_deref(), "the client keystore"),
        ]
        .into_iter()
        .filter_map(|(p, what)| Some((p?, what)))
        .collect()
    }
}

impl From<intguard_engine::OrgConfig> for AuthArgs {
    fn from(o: intguard_engine::OrgConfig) -> Self {
        AuthArgs {
            login_url: Some(o.login_url),
            client_id: Some(o.client_id),
            username: Some(o.username),
            key: o.key,
            keystore: o.keystore,
            alias: o.alias,
            key_password_env: o.key_password_env,
            keystore_password_env: o.keystore_password_env,
            audience: o.audience,
            ca_file: o.ca_file,
            client_cert: o.client_cert,
            client_key: o.client_key,
            client_keystore: o.client_keystore,
            client_alias: o.client_alias,
            client_keystore_password_env: o.client_keystore_password_env,
            client_key_password_env: o.client_key_password_env,
        }
    }
}

pub fn run(args: TokenArgs) -> i32 {
    match login(&args.auth) {
        Ok(token) => match print_token(&args, &token) {
            Ok(()) => exit::OK,
            Err(e) => exit::usage_error(format!("cannot write the token: {e}")),
        },
        Err(message) => {
            eprintln!("error: {message}");
            exit::USAGE
        }
    }
}

/// Which of the login's required options are missing, named first, then
/// the whole set: a list of all four hid the one left out.
fn missing_login_options(args: &AuthArgs) -> String {
    let missing: Vec<&str> = [
        (args.login_url.is_none(), "--login-url URL"),
        (args.client_id.is_none(), "--client-id KEY"),
        (args.username.is_none(), "--username USER"),
    ]
    .into_iter()
    .filter_map(|(absent, option)| absent.then_some(option))
    .collect();
    format!(
        "missing {}: the login needs --login-url URL, --client-id KEY, --username USER and --key FILE or --keystore FILE",
        missing.join(", ")
    )
}

fn login(args: &AuthArgs) -> Result<TokenResponse, String> {
    let (request, tls) = prepare(args)?;
    request_token(&request, &tls).map_err(|e| e.to_string())
}

/// The token request (key loaded, passwords asked for) and TLS options, or a
/// message for the user. Nothing is sent yet.
pub fn prepare(args: &AuthArgs) -> Result<(TokenRequest, TlsOptions), String> {
    // Required, but checked here so that `org audit --org NAME` can do without them.
    let (Some(login_url), Some(client_id), Some(username)) =
        (&args.login_url, &args.client_id, &args.username)
    else {
        return Err(missing_login_options(args));
    };
    let mut request = TokenRequest::new(
        login_url.trim(),
        client_id.trim(),
        username.trim(),
        PrivateKeySource::key_file(""),
    );
    request.audience = args.audience.clone();
    let fail = |kind: AuthErrorKind| -> String {
        AuthError {
            kind,
            login_url: request.login_url.clone(),
            audience: request.resolved_audience(),
            server: None,
        }
        .to_string()
    };
    // http:// is refused before any file is read, any password asked for, or
    // anything sent.
    if let Err(e) = require_https(&token_url(&request.login_url)) {
        return Err(fail(AuthErrorKind::Transport(Box::new(e))));
    }
    for path in [&args.client_key, &args.client_keystore]
        .into_iter()
        .flatten()
    {
        warn_if_readable(path);
    }

    let key = load_signing_key(args).map_err(|e| match e {
        LoadError::Key(e) => fail(AuthErrorKind::Key(Box::new(e))),
        LoadError::Input(m) => m,
    })?;
    // Once it is known to hold the key: a certificate given by mistake is
    // named as holding none, without a word about its mode first.
    for path in [&args.key, &args.keystore].into_iter().flatten() {
        warn_if_readable(path);
    }
    request.key = PrivateKeySource::Loaded(Arc::new(key));
    let tls = TlsOptions {
        ca_file: args.ca_file.clone(),
        client_identity: client_identity(args)?,
    };
    Ok((request, tls))
}

/// Why a key could not be loaded: the key itself, or how the user asked for it.
enum LoadError {
    Key(KeyError),
    Input(String),
}

impl From<KeyError> for LoadError {
    fn from(e: KeyError) -> Self {
        LoadError::Key(e)
    }
}

impl From<String> for LoadError {
    fn from(m: String) -> Self {
        LoadError::Input(m)
    }
}

fn warn_if_readable(path: &Path) {
    if let Ok(Some(warning)) = check_key_file_mode(path) {
        eprintln!("warning: {warning}");
    }
}

fn load_signing_key(args: &AuthArgs) -> Result<PrivateKey, LoadError> {
    if let Some(path) = &args.key {
        return load_key_file(path, args.key_password_env.as_deref(), "--key-password-env");
    }
    let Some(path) = &args.keystore else {
        return Err(LoadError::Input("give --key or --keystore".into()));
    };
    let store_password = store_password(
        path,
        args.keystore_password_env.as_deref(),
        "--keystore-password-env",
    )?;
    let key_password = args
        .key_password_env
        .as_deref()
        .map(|var| secret_input::from_env(var, "the key password"))
        .transpose()?;
    Ok(PrivateKeySource::Keystore {
        path: path.clone(),
        alias: args.alias.clone(),
        store_password,
        key_password,
    }
    .load()?)
}

/// Loads a key file; an encrypted key takes its password from `env`, else from
/// a prompt when standard input is a terminal.
fn load_key_file(path: &Path, env: Option<&str>, option: &str) -> Result<PrivateKey, LoadError> {
    let password = env
        .map(|var| secret_input::from_env(var, "the key password"))
        .transpose()?;
    let source = PrivateKeySource::KeyFile {
        path: path.to_path_buf(),
        password: password.clone(),
    };
    match source.load() {
        Err(KeyError::PasswordRequired { what }) if password.is_none() => {
            let prompted =
                secret_input::prompt(&format!("Password of {}", path.display()))?.ok_or_else(
                    || {
                        LoadError::Input(format!(
                            "{what} is encrypted: give its password with {option} VAR (standard input is not a terminal, so it cannot be asked for)"
                        ))
                    },
                )?;
            Ok(PrivateKeySource::KeyFile {
                path: path.to_path_buf(),
                password: Some(prompted),
            }
            .load()?)
        }
        other => Ok(other?),
    }
}

fn store_password(path: &Path, env: Option<&str>, option: &str) -> Result<SecretString, String> {
    secret_input::env_or_prompt(
        env,
        "the keystore password",
        &format!("Password of keystore {}", path.display()),
    )?
    .ok_or_else(|| {
        format!(
            "keystore {} needs its password: give it with {option} VAR (standard input is not a terminal, so it cannot be asked for)",
            path.display()
        )
    })
}

fn client_identity(args: &AuthArgs) -> Result<Option<ClientIdentitySource>, String> {
    let key_password = args
        .client_key_password_env
        .as_deref()
        .map(|var| secret_input::from_env(var, "the client key password"))
        .transpose()?;
    if let (Some(cert), Some(key)) = (&args.client_cert, &args.client_key) {
        // Ask for the password now when the key is encrypted and none was given.
        let key_password = match key_password {
            Some(p) => Some(p),
            None => match PrivateKeySource::key_file(key).load() {
                Err(KeyError::PasswordRequired { .. }) => Some(
                    secret_input::prompt(&format!("Password of {}", key.display()))?.ok_or_else(
                        || {
                            format!(
                                "client key {} is encrypted: give its password with --client-key-password-env VAR",
                                key.display()
                            )
                        },
                    )?,
                ),
                _ => None,
            },
        };
        return Ok(Some(ClientIdentitySource::Pem {
            cert: cert.clone(),
            key: key.clone(),
            key_password,
        }));
    }
    if let Some(path) = &args.client_keystore {
        let store_password = store_password(
            path,
            args.client_keystore_password_env.as_deref(),
            "--client-keystore-password-env",
        )?;
        return Ok(Some(ClientIdentitySource::Keystore {
            path: path.clone(),
            alias: args.client_alias.clone(),
            store_password,
            key_password,
        }));
    }
    Ok(None)
}

fn print_token(args: &TokenArgs, token: &TokenResponse) -> std::io::Result<()> {
    if args.print_token {
        // Written as it is, not copied into a string first (the summary below
        // shows it masked).
        return output::to_stdout(|out| writeln!(out, "{}", token.access_token()));
    }
    let mut s = String::new();
    let summary = token.summary();
    let login_url = args.auth.login_url.as_deref().unwrap_or_default().trim();
    let audience = salesforce_auth::resolve_audience(login_url, args.auth.audience.as_deref());
    match args.format {
        TokenFormat::Json => {
            let mut value = serde_json::to_value(&summary).unwrap_or_default();
            if let Some(map) = value.as_object_mut() {
                map.insert("login_url".into(), login_url.into());
                map.insert("audience".into(), audience.into());
                map.insert("mutual_tls".into(), has_client_identity(&args.auth).into());
            }
            let _ = writeln!(
                s,
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
        TokenFormat::Text => {
            // What the token endpoint sent, without its control characters
            // (an answer must not recolour or clear the terminal).
            let summary = TokenSummary {
                instance_url: printable(&summary.instance_url),
                id: printable(&summary.id),
                org_id: summary.org_id.as_deref().map(printable),
                user_id: summary.user_id.as_deref().map(printable),
                scopes: summary.scopes.iter().map(|s| printable(s)).collect(),
                token_type: summary.token_type.as_deref().map(printable),
                issued_at: summary.issued_at.as_deref().map(printable),
                access_token: printable(&summary.access_token),
            };
            let scopes = if summary.scopes.is_empty() {
                "(none listed)".to_string()
            } else {
                summary.scopes.join(" ")
            };
            let _ = writeln!(s, "instance URL  {}", summary.instance_url);
            let _ = writeln!(s, "identity URL  {}", summary.id);
            if let (Some(org), Some(user)) = (&summary.org_id, &summary.user_id) {
                let _ = writeln!(s, "org / user    {org} / {user}");
            }
            let _ = writeln!(s, "scopes        {scopes}");
            let _ = writeln!(
                s,
                "token type    {}",
                summary.token_type.as_deref().unwrap_or("(not given)")
            );
            let _ = writeln!(
                s,
                "access token  {} (masked; --print-token prints it)",
                summary.access_token
            );
            let _ = writeln!(
                s,
                "logged in     at {} with audience {}{}",
                login_url,
                audience,
                if has_client_identity(&args.auth) {
                    ", mutual TLS"
                } else {
                    ""
                }
            );
        }
    }
    output::print(&s)
}

fn has_client_identity(args: &AuthArgs) -> bool {
    args.client_cert.is_some() || args.client_keystore.is_some()
}
