//! `intguard keys new` makes a private key and a self-signed certificate for
//! the JWT bearer flow and says how to upload it; `intguard keys inspect` shows
//! what a certificate, key or keystore file holds. Wiring only: the
//! certificate code is the `salesforce-auth` crate. Key material is never
//! printed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::builder::TypedValueParser;
use clap::{Args, Subcommand, ValueEnum};
use salesforce_auth::certs::{self, format_utc, CertError, CertificateInfo};
use salesforce_auth::keys::write_secret_file;
use salesforce_auth::{
    check_key_file_mode, generate_self_signed, printable, ExposeSecret, KeyError, PrivateKey,
    SecretString,
};
use zeroize::Zeroizing;

use crate::{exit, output, secret_input};

#[derive(Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Write a new private key and a self-signed certificate to upload to a connected app or
    /// external client app, and print the steps to do so.
    New(NewArgs),
    /// Show the certificates (and private keys) in a PEM, DER, PKCS#12 or JKS file: subject,
    /// issuer, key type and size, validity and days left. Never prints key material.
    Inspect(InspectArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeysFormat {
    Text,
    Json,
}

const NEW_AFTER_HELP: &str = "\
Writes DIR/NAME.key (PKCS#8 PEM, mode 0600; encrypted with --encrypt) and DIR/NAME.crt (the
certificate to upload). With --keystore, writes DIR/NAME.p12 instead of DIR/NAME.key: a PKCS#12
keystore (mode 0600) holding the key and its certificate under --alias, the file a Mule
salesforce:jwt-connection loads (keyStore, storePassword, certificateAlias); it is protected as
Java's keytool protects a new one (PBES2, AES-256, HMAC-SHA256), which Java 8u301+, 11.0.12+ and 17
read. Existing files are never replaced. Passwords (of --encrypt, of --keystore) come from
--password-env VAR / --keystore-password-env VAR, or from a prompt when standard input is a
terminal; never from the command line.

Exit codes: 0 written; 2 usage error or failure (nothing is overwritten).";

#[derive(Args)]
#[command(after_help = NEW_AFTER_HELP)]
pub struct NewArgs {
    /// Folder to write the key and certificate to (created when missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Common name of the certificate.
    #[arg(long, value_name = "NAME", default_value = "intguard-jwt")]
    cn: String,
    /// File name (without extension) [default: the common name, made file-safe].
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Days the certificate is valid.
    #[arg(long, value_name = "N", default_value_t = 365)]
    days: u32,
    /// RSA key size.
    #[arg(long, value_name = "BITS", default_value_t = 2048,
          value_parser = clap::builder::PossibleValuesParser::new(["2048", "3072", "4096"])
              .map(|s| s.parse::<u32>().unwrap_or(2048)))]
    bits: u32,
    /// Encrypt the private key (PKCS#8, AES-256-CBC, PBKDF2-SHA256).
    #[arg(long, conflicts_with = "keystore")]
    encrypt: bool,
    /// Environment variable holding the --encrypt password (else it is asked for).
    #[arg(long, value_name = "VAR", requires = "encrypt")]
    password_env: Option<String>,
    /// Write the key and certificate as a PKCS#12 keystore (NAME.p12) for a Mule
    /// salesforce:jwt-connection, instead of a PEM key file.
    #[arg(long)]
    keystore: bool,
    /// Alias of the keystore's key entry (the jwt-connection's certificateAlias) [default: NAME,
    /// in lower case].
    #[arg(long, value_name = "ALIAS", requires = "keystore")]
    alias: Option<String>,
    /// Environment variable holding the keystore password (else it is asked for).
    #[arg(long, value_name = "VAR", requires = "keystore")]
    keystore_password_env: Option<String>,
}

const INSPECT_AFTER_HELP: &str = "\
Certificates in a JKS keystore are read without its password. A PKCS#12 file needs its password
(--password-env VAR, or the prompt when standard input is a terminal; the empty password is tried
first). An encrypted private key given no password is described as encrypted; with
--password-env its type and size are shown.

Exit codes: 0 read; 2 usage error, or a file that cannot be read: not a certificate or key
file, a private key in a form not read (such as a SEC1 `EC PRIVATE KEY`), or a PKCS#12 file
or encrypted key that the password given does not open.";

#[derive(Args)]
#[command(after_help = INSPECT_AFTER_HELP)]
pub struct InspectArgs {
    /// PEM, DER (certificate, PKCS#8 or PKCS#1 private key), PKCS#12 (.p12, .pfx) or JKS file.
    file: PathBuf,
    /// Environment variable holding the keystore (or encrypted key) password.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: KeysFormat,
}

pub fn run(args: KeysArgs) -> i32 {
    let result = match args.command {
        KeysCommand::New(a) => new(&a),
        KeysCommand::Inspect(a) => inspect(&a),
    };
    match result {
        Ok(()) => exit::OK,
        Err(message) => exit::usage_error(message),
    }
}

// ---------------------------------------------------------------------------
// keys new

/// `Intguard JWT (prod)` -> `Intguard-JWT-prod`.
fn file_safe(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches(['-', '.']).to_string();
    if out.is_empty() {
        "intguard-jwt".to_string()
    } else {
        out
    }
}

fn new(args: &NewArgs) -> Result<(), String> {
    let name = match &args.name {
        Some(n) if file_safe(n) != *n => {
            return Err(format!(
                "--name {n:?}: use letters, digits, '-', '_' and '.' only"
            ))
        }
        Some(n) => n.clone(),
        None => file_safe(&args.cn),
    };
    // Java looks a PKCS#12 alias up in lower case: the default is written so.
    let alias = match &args.alias {
        Some(a) if file_safe(a) != *a => {
            return Err(format!(
                "--alias {a:?}: use letters, digits, '-', '_' and '.' only"
            ))
        }
        Some(a) => a.clone(),
        None => name.to_ascii_lowercase(),
    };
    let extension = if args.keystore { "p12" } else { "key" };
    let secret_path = args.out.join(format!("{name}.{extension}"));
    let cert_path = args.out.join(format!("{name}.crt"));
    for p in [&secret_path, &cert_path] {
        if p.symlink_metadata().is_ok() {
            return Err(format!(
                "{} already exists: nothing was written (choose another --out or --name)",
                p.display()
            ));
        }
    }
    let password = new_password(args)?;

    let creds = generate_self_signed(
        &args.cn,
        args.days,
        args.bits,
        password
            .as_ref()
            .filter(|_| args.encrypt)
            .map(|p| p.expose_secret()),
    )
    .map_err(|e| e.to_string())?;
    let secret: Zeroizing<Vec<u8>> = match &password {
        Some(p) if args.keystore => creds
            .private_key()
            .to_pkcs12(creds.certificate_der(), &alias, p.expose_secret())
            .map_err(|e| format!("cannot make the keystore: {e}"))?,
        _ => Zeroizing::new(creds.private_key_pem().as_bytes().to_vec()),
    };

    create_out_dir(&args.out)?;
    write_secret_file(&secret_path, &secret, false)
        .map_err(|e| format!("cannot write {}: {e}", secret_path.display()))?;
    if let Err(e) = write_new_file(&cert_path, creds.certificate_pem.as_bytes()) {
        let _ = std::fs::remove_file(&secret_path);
        return Err(format!("cannot write {}: {e}", cert_path.display()));
    }

    let cert = &creds.certificate;
    let mut s = String::new();
    let _ = writeln!(s, "Wrote");
    if args.keystore {
        let _ = writeln!(
            s,
            "  keystore     {}  (PKCS#12, mode 0600: RSA {} bits private key and its certificate under alias {alias}, password-protected with PBES2 AES-256 and HMAC-SHA256): keep it and its password secret, never commit them",
            secret_path.display(),
            args.bits
        );
    } else {
        let state = if creds.encrypted {
            "encrypted"
        } else {
            "unencrypted"
        };
        let _ = writeln!(
            s,
            "  private key  {}  (PKCS#8 PEM, RSA {} bits, {state}, mode 0600): keep it secret, never commit it",
            secret_path.display(),
            args.bits
        );
    }
    let _ = writeln!(
        s,
        "  certificate  {}  ({}, valid until {}, SHA-256 {})",
        cert_path.display(),
        printable(&cert.subject),
        format_utc(cert.not_after),
        cert.sha256_fingerprint
    );
    let _ = writeln!(s);
    s.push_str(&upload_steps(args, &secret_path, &alias, &cert_path, cert));
    output::print(&s).map_err(|e| format!("cannot write the summary: {e}"))
}

/// The password of `--encrypt` or `--keystore`: from its environment variable,
/// else typed twice at a prompt; `None` when neither is asked for.
fn new_password(args: &NewArgs) -> Result<Option<SecretString>, String> {
    let (what, env, label, option) = if args.keystore {
        (
            "the keystore password",
            &args.keystore_password_env,
            "Password for the new keystore",
            "--keystore needs a password: give it with --keystore-password-env VAR",
        )
    } else if args.encrypt {
        (
            "the key password",
            &args.password_env,
            "Password for the new private key",
            "--encrypt needs a password: give it with --password-env VAR",
        )
    } else {
        return Ok(None);
    };
    let p = match env {
        Some(var) => secret_input::from_env(var, what)?,
        None => secret_input::prompt_new(label)?.ok_or_else(|| {
            format!("{option} (standard input is not a terminal, so it cannot be asked for)")
        })?,
    };
    if p.expose_secret().is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    if p.expose_secret().chars().count() < 12 {
        eprintln!("warning: {what} is shorter than 12 characters");
    }
    Ok(Some(p))
}

fn create_out_dir(dir: &Path) -> Result<(), String> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

fn write_new_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Quotes a path for the shell when it needs it.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn upload_steps(
    args: &NewArgs,
    secret: &Path,
    alias: &str,
    cert: &Path,
    info: &CertificateInfo,
) -> String {
    let cert_s = cert.display().to_string();
    let secret_s = shell_word(&secret.display().to_string());
    let signing = if args.keystore {
        let var = args
            .keystore_password_env
            .as_deref()
            .unwrap_or("VAR")
            .to_string();
        format!("--keystore {secret_s} --alias {alias} --keystore-password-env {var}")
    } else {
        let password_opt = match (&args.password_env, args.encrypt) {
            (Some(var), _) => format!(" --key-password-env {var}"),
            (None, true) => " --key-password-env VAR".to_string(),
            _ => String::new(),
        };
        format!("--key {secret_s}{password_opt}")
    };
    let rotate = format_utc(info.not_after);
    let rotate_day = rotate.split('T').next().unwrap_or(&rotate);
    let keep = if args.keystore {
        format!(
            "5. Use it in the Mule app's Salesforce connection, the keystore and its password provided at
   deploy time and never committed (a path and a hidden secure property set in Runtime Manager
   or read from your secret store; list sfdc.keystore.password and sfdc.consumerKey in
   mule-artifact.json \"secureProperties\"):
     <salesforce:sfdc-config name=\"Salesforce_Config\">
       <salesforce:jwt-connection consumerKey=\"${{secure::sfdc.consumerKey}}\"
           keyStore=\"${{sfdc.keystore.path}}\" storePassword=\"${{secure::sfdc.keystore.password}}\"
           certificateAlias=\"{alias}\" principal=\"${{sfdc.username}}\"
           tokenEndpoint=\"https://<My Domain>.my.salesforce.com/services/oauth2/token\"
           audienceUrl=\"https://login.salesforce.com\"/>
     </salesforce:sfdc-config>
   (sandboxes: audienceUrl=\"https://test.salesforce.com\"). Rotate the certificate before
   {rotate_day}, when it expires (intguard rule IG112 warns 30 days ahead).
"
        )
    } else {
        format!(
            "5. Keep the private key out of the repository (add it to .gitignore) and provide it at deploy
   time from a secret store. Rotate the certificate before {rotate_day}, when it expires
   (intguard rule IG112 warns 30 days ahead).
"
        )
    };
    format!(
        "Next steps
1. Upload the certificate to the app the integration logs in through:
     {cert_s}
   Connected app: Setup > Apps > App Manager > New Connected App (or the app > Edit) >
     Enable OAuth Settings > check \"Use digital signatures\" > Choose File: the certificate.
     Select only the OAuth scopes the integration needs (usually \"Manage user data via APIs
     (api)\"), then Save.
   External client app: Setup > Apps > External Client App Manager > New External Client App
     (or the app > Edit Settings) > OAuth Settings > Enable OAuth > Flow Enablement: check
     \"Enable JWT Bearer Flow\" > upload the certificate, then Save.
2. Pre-authorize the integration user, and nobody else (admin-approved users only):
   Connected app: App Manager > the app > Manage > Edit Policies > Permitted Users: \"Admin
     approved users are pre-authorized\" > Save; then Manage Permission Sets (or Manage
     Profiles) and add the integration user's dedicated permission set.
   External client app: the app > Edit Policies > OAuth Policies > Permitted Users: \"Admin
     approved users are pre-authorized\", and select that permission set.
3. Copy the consumer key: App Manager > the app > View > Manage Consumer Details (external
   client apps: the app > Settings > OAuth Settings > Consumer Key and Secret). The JWT bearer
   flow needs the consumer key only, never the consumer secret.
4. Test the login (a new app can take up to 10 minutes to become usable; sandboxes use
   --login-url https://test.salesforce.com, or the org's My Domain URL):
     intguard token --login-url https://login.salesforce.com --client-id <consumer key> --username <integration username> {signing}
{keep}"
    )
}

// ---------------------------------------------------------------------------
// keys inspect

/// What a private key in the file is, without its material.
struct KeyFacts {
    description: String,
    encrypted: bool,
    /// The key, when it could be read (not encrypted, or its password given).
    key: Option<PrivateKey>,
}

fn inspect(args: &InspectArgs) -> Result<(), String> {
    let path = &args.file;
    // A folder, a FIFO or a device is named as such before any password is
    // asked for.
    salesforce_auth::files::open_regular(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut password = args
        .password_env
        .as_deref()
        .map(|var| secret_input::from_env(var, "the password"))
        .transpose()?;
    let certificates = loop {
        match certs::inspect_file(path, password.as_ref().map(|p| p.expose_secret())) {
            Ok(c) => break c,
            Err(CertError::PasswordRequired { format }) if password.is_none() => {
                match secret_input::prompt(&format!("Password of {}", path.display()))? {
                    Some(p) => password = Some(p),
                    None => {
                        return Err(format!(
                        "{}: this {format} is protected: give its password with --password-env VAR",
                        path.display()
                    ))
                    }
                }
            }
            // Not a certificate file: it may be a binary (DER) private key, PKCS#8 or PKCS#1.
            Err(CertError::Unrecognized) if is_der_private_key(path) => break Vec::new(),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    };
    let key = key_facts(path, password.as_ref())?;
    // A PEM file's certificates sit next to its key, but may be another
    // key's: only those the key matches are "with its private key".
    let mut mismatched = vec![false; certificates.len()];
    let mut certificates = certificates;
    if let Some(k) = key.as_ref().and_then(|k| k.key.as_ref()) {
        let bytes = zeroize::Zeroizing::new(std::fs::read(path).unwrap_or_default());
        for (i, der) in certs::pem_certificate_ders(&bytes).iter().enumerate() {
            if let (Some(c), Some(false)) = (certificates.get_mut(i), k.matches_certificate(der)) {
                c.with_private_key = false;
                mismatched[i] = true;
            }
        }
    }
    if certificates.is_empty() && key.is_none() {
        return Err(format!(
            "{}: no certificate or private key found in this PEM file",
            path.display()
        ));
    }
    let holds_key = key.is_some() || certificates.iter().any(|c| c.with_private_key);
    if holds_key {
        if let Ok(Some(w)) = check_key_file_mode(path) {
            eprintln!("warning: {w}");
        }
    }
    let now = now_unix();
    let mut s = String::new();
    match args.format {
        KeysFormat::Json => {
            let certs: Vec<serde_json::Value> = certificates
                .iter()
                .map(|c| {
                    let mut v = serde_json::to_value(c).unwrap_or_default();
                    if let Some(m) = v.as_object_mut() {
                        m.insert("key_type".into(), c.key_type.to_string().into());
                        m.insert("not_before_utc".into(), c.not_before_utc().into());
                        m.insert("not_after_utc".into(), c.not_after_utc().into());
                        m.insert("days_left".into(), c.days_left_at(now).into());
                        m.insert("expired".into(), (c.not_after < now).into());
                    }
                    v
                })
                .collect();
            let value = serde_json::json!({
                "file": path.display().to_string(),
                "certificates": certs,
                "private_key": key.as_ref().map(|k| serde_json::json!({
                    "description": k.description,
                    "encrypted": k.encrypted,
                })),
            });
            let _ = writeln!(
                s,
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
        KeysFormat::Text => {
            let _ = writeln!(s, "{}", path.display());
            if let Some(k) = &key {
                let _ = writeln!(s, "  private key: {}", k.description);
            }
            for (i, c) in certificates.iter().enumerate() {
                let _ = writeln!(s);
                let _ = writeln!(s, "  certificate {}", i + 1);
                describe_certificate(&mut s, c, now);
                if mismatched[i] {
                    let _ = writeln!(
                        s,
                        "    warning: not the certificate of the private key in this file: a JWT signed with the key will not verify against it"
                    );
                }
            }
        }
    }
    output::print(&s).map_err(|e| format!("cannot write the description: {e}"))
}

fn describe_certificate(s: &mut String, c: &CertificateInfo, now: i64) {
    // Names come from the file, which may be anyone's: shown without their
    // control characters.
    if let Some(alias) = &c.alias {
        let _ = writeln!(s, "    alias        {}", printable(alias));
    }
    let _ = writeln!(s, "    subject      {}", printable(&c.subject));
    let _ = writeln!(s, "    issuer       {}", printable(&c.issuer));
    let _ = match c.key_bits {
        Some(bits) => writeln!(s, "    key          {} {bits} bits", c.key_type),
        None => writeln!(s, "    key          {}", c.key_type),
    };
    let _ = writeln!(s, "    signature    {}", c.signature_algorithm);
    let _ = writeln!(s, "    valid from   {}", c.not_before_utc());
    let days = c.days_left_at(now);
    let left = if c.not_after < now {
        format!("EXPIRED {} days ago", (now - c.not_after) / 86_400)
    } else if c.not_before > now {
        // Rounded up: a certificate valid from tomorrow starts "in 1 day".
        let starts_in = (c.not_before - now + 86_399).div_euclid(86_400);
        let period = (c.not_after - c.not_before).div_euclid(86_400);
        format!("NOT VALID YET: it starts in {starts_in} days, then is valid for {period} days")
    } else {
        format!("{days} days left")
    };
    let _ = writeln!(s, "    valid to     {} ({left})", c.not_after_utc());
    let _ = writeln!(
        s,
        "    self-signed  {}{}",
        if c.self_signed { "yes" } else { "no" },
        if c.is_ca { " (CA)" } else { "" }
    );
    let _ = writeln!(s, "    serial       {}", c.serial);
    let _ = writeln!(s, "    SHA-256      {}", c.sha256_fingerprint);
    if c.with_private_key {
        let _ = writeln!(s, "    with its private key");
    }
    if c.key_type == certs::KeyType::Rsa && c.key_bits.is_some_and(|b| b < 2048) {
        let _ = writeln!(
            s,
            "    warning: RSA keys under 2048 bits are too weak; make a new key and certificate"
        );
    }
}

/// Whether the file is a binary (DER) private key: PKCS#8 (`PrivateKeyInfo` or
/// `EncryptedPrivateKeyInfo`), PKCS#1 `RSAPrivateKey` or SEC1 `ECPrivateKey`, told by
/// its structure as the IG105 reader tells it.
fn is_der_private_key(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|bytes| {
        let bytes = zeroize::Zeroizing::new(bytes);
        intguard_readers::der_private_key(&bytes).is_some()
    })
}

/// The private key of a PEM or DER key file, described without its material:
/// `RSA 2048 bits, PKCS#8 PEM`, or `encrypted PKCS#8 PEM` when no password was
/// given to decrypt it. `None` when the file holds no private key. A key that
/// the password given does not open, or that cannot be read, is an error.
fn key_facts(path: &Path, password: Option<&SecretString>) -> Result<Option<KeyFacts>, String> {
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(None);
    };
    let text = std::str::from_utf8(&bytes).ok();
    let is_pem = text.is_some_and(|t| t.contains("-----BEGIN "));
    let label_encrypted = text.is_some_and(|t| t.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    if is_pem && !text.is_some_and(|t| t.contains("PRIVATE KEY-----")) {
        return Ok(None);
    }
    let is_der_key = !is_pem && is_der_private_key(path);
    let result = PrivateKey::from_key_bytes(&bytes, password.map(|p| p.expose_secret()));
    // The bytes hold key material: clear them before they are freed.
    let mut bytes = bytes;
    bytes.iter_mut().for_each(|b| *b = 0);
    std::hint::black_box(&bytes);
    match result {
        Ok(key) => Ok(Some(KeyFacts {
            description: format!("{}, {}", key.algorithm(), key.format()),
            encrypted: label_encrypted
                || matches!(
                    key.format(),
                    salesforce_auth::keys::KeyFormat::EncryptedPkcs8Der
                ),
            key: Some(key),
        })),
        Err(KeyError::PasswordRequired { .. }) => Ok(Some(KeyFacts {
            description: "encrypted PKCS#8 (give --password-env VAR to see its type and size)"
                .into(),
            encrypted: true,
            key: None,
        })),
        // Worded as a PKCS#12 keystore's wrong password is.
        Err(KeyError::WrongPassword { .. }) => Err(format!(
            "{}: wrong password for this encrypted PKCS#8 private key (or the file is corrupt)",
            path.display()
        )),
        Err(KeyError::LegacyEncryptedPem { .. }) => Ok(Some(KeyFacts {
            description:
                "PKCS#1 PEM with traditional OpenSSL encryption (convert it to encrypted PKCS#8)"
                    .into(),
            encrypted: true,
            key: None,
        })),
        Err(e) if is_pem || is_der_key => Err(format!(
            "{}: cannot read its private key: {e}",
            path.display()
        )),
        Err(_) => Ok(None),
    }
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
