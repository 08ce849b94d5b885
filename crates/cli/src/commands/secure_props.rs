//! `intguard secure-props encrypt|decrypt`: Mule-compatible secure property values
//! (`![BASE64]`), byte for byte as MuleSoft's secure-properties tool and module write them.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};
use mule_secure_props::{parse_encrypted_value, Algorithm, Cipher, Mode};
use zeroize::Zeroizing;

use crate::exit;

/// Where the encryption key comes from. Exactly one is required.
#[derive(Args, Clone)]
#[group(required = true, multiple = false)]
pub struct KeyArgs {
    /// Read the key from this environment variable (recommended).
    #[arg(long, value_name = "VAR")]
    pub key_env: Option<String>,
    /// Read the key from this file (one trailing newline is ignored).
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// The key itself. Discouraged: it stays in shell history and is visible to other
    /// processes; a warning is printed.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
}

impl KeyArgs {
    /// The key's raw bytes (Mule uses the key string's bytes as is).
    pub fn load(&self) -> Result<Zeroizing<Vec<u8>>, String> {
        load_key(
            self.key_env.as_deref(),
            self.key_file.as_deref(),
            self.key.as_deref(),
        )
    }
}

/// Reads a key from an environment variable, a file or (with a warning) the command line.
pub fn load_key(
    env: Option<&str>,
    file: Option<&std::path::Path>,
    literal: Option<&str>,
) -> Result<Zeroizing<Vec<u8>>, String> {
    if let Some(var) = env {
        return match std::env::var_os(var) {
            Some(v) => {
                let v = Zeroizing::new(v.into_encoded_bytes());
                if v.is_empty() {
                    Err(format!("environment variable {var} is empty"))
                } else {
                    Ok(v)
                }
            }
            None => Err(format!("environment variable {var} is not set")),
        };
    }
    if let Some(path) = file {
        let mut bytes = Zeroizing::new(
            std::fs::read(path)
                .map_err(|e| format!("{}: cannot read key file: {e}", path.display()))?,
        );
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
        if bytes.is_empty() {
            return Err(format!("{}: the key file is empty", path.display()));
        }
        // The key opens every secret of the app: warned about as a private
        // key file is (`intguard token`, `keys inspect`).
        if let Ok(Some(w)) = salesforce_auth::check_key_file_mode(path) {
            eprintln!("warning: {w}");
        }
        return Ok(bytes);
    }
    if let Some(k) = literal {
        eprintln!(
            "warning: a key given with --key is visible to other processes and stays in shell history; prefer --key-env or --key-file"
        );
        return Ok(Zeroizing::new(k.as_bytes().to_vec()));
    }
    Err("no key given: use --key-env VAR or --key-file FILE".into())
}

/// Checks that `key` has a length `algorithm` takes (the library's own error message).
pub fn check_key(algorithm: Algorithm, key: &[u8]) -> Result<(), mule_secure_props::Error> {
    Cipher::new(algorithm, Mode::Ecb, false)
        .encrypt(key, b"")
        .map(|_| ())
}

#[derive(Args, Clone)]
pub struct CipherArgs {
    /// Algorithm, as in `<secure-properties:encrypt algorithm="...">`: AES, Blowfish, DES,
    /// DESede, Camellia, CAST5, CAST6, Twofish, Serpent, XTEA, RC2, RC5, RC6 (Rijndael = AES).
    #[arg(long, value_name = "ALG", default_value = "AES")]
    pub algorithm: String,
    /// Mode: CBC, CFB, ECB or OFB.
    #[arg(long, value_name = "MODE", default_value = "CBC")]
    pub mode: String,
    /// Random IVs (`useRandomIVs="true"`): the IV is prepended to the value.
    #[arg(long)]
    pub random_iv: bool,
}

impl CipherArgs {
    pub fn cipher(&self) -> Result<Cipher, String> {
        let algorithm = Algorithm::parse(&self.algorithm).map_err(|e| e.to_string())?;
        let mode = Mode::parse(&self.mode).map_err(|e| e.to_string())?;
        Ok(Cipher::new(algorithm, mode, self.random_iv))
    }
}

#[derive(Args)]
pub struct SecurePropsArgs {
    #[command(subcommand)]
    command: SecurePropsCommand,
}

#[derive(Subcommand)]
enum SecurePropsCommand {
    /// Encrypt values (printed as base64, the text that goes between `![` and `]`).
    Encrypt(OpArgs),
    /// Decrypt `![BASE64]` or bare base64 values.
    Decrypt(OpArgs),
}

#[derive(Args)]
struct OpArgs {
    #[command(flatten)]
    cipher: CipherArgs,
    #[command(flatten)]
    key: KeyArgs,
    /// Encrypt: print `![BASE64]` instead of the bare base64.
    #[arg(long)]
    wrap: bool,
    /// The value. Without it, values are read from standard input, one per line.
    value: Option<String>,
}

pub fn run(args: SecurePropsArgs) -> i32 {
    let (op, encrypt) = match args.command {
        SecurePropsCommand::Encrypt(op) => (op, true),
        SecurePropsCommand::Decrypt(op) => (op, false),
    };
    let cipher = match op.cipher.cipher() {
        Ok(c) => c,
        Err(e) => return exit::usage_error(e),
    };
    let key = match op.key.load() {
        Ok(k) => k,
        Err(e) => return exit::usage_error(e),
    };
    // Check the key length before reading any input.
    if let Err(e) = check_key(cipher.algorithm, &key) {
        return exit::usage_error(e);
    }
    let transform = |value: &str| -> Result<Vec<u8>, String> {
        if encrypt {
            let b64 = cipher
                .encrypt(&key, value.as_bytes())
                .map_err(|e| e.to_string())?;
            Ok(if op.wrap {
                format!("![{b64}]").into_bytes()
            } else {
                b64.into_bytes()
            })
        } else {
            let b64 = parse_encrypted_value(value).unwrap_or(value);
            let plain = cipher.decrypt(&key, b64).map_err(|e| e.to_string())?;
            // A wrong random-IV setting still unpads (CBC garbles only the
            // first block), and a wrong key may: the bytes are printed as
            // they are (a secret may be binary), with a warning.
            if mule_secure_props::plausible_plaintext(&plain).is_none() {
                eprintln!(
                    "intguard: warning: the decrypted value is not text: check the key, --algorithm, --mode and --random-iv (a value encrypted with random IVs starts with its IV)"
                );
            }
            Ok(plain)
        }
    };

    // intguard does not encrypt, without a word, the way its own IG108
    // reports (Mule's default: fixed IVs).
    if encrypt && cipher.is_weaker_than_recommended(true) {
        let why = if cipher.algorithm.is_weak() {
            "a weak algorithm"
        } else if !cipher.mode.uses_iv() {
            "ECB: equal blocks encrypt to equal blocks"
        } else {
            "fixed IVs: equal values encrypt to equal text"
        };
        eprintln!(
            "warning: {cipher} is what IG108 (weak-property-encryption) reports ({why}); for a new config use AES with --random-iv and useRandomIVs=\"true\" on its <secure-properties:encrypt> (these settings must match the app's config to be read)"
        );
    }
    // A secret to encrypt given as an argument is exposed as a --key is.
    if encrypt && op.value.is_some() {
        eprintln!(
            "warning: a value given as an argument is visible to other processes and stays in shell history; pipe it on standard input instead"
        );
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match &op.value {
        Some(v) => match transform(v) {
            Ok(bytes) => {
                let bytes = Zeroizing::new(bytes);
                if out
                    .write_all(&bytes)
                    .and_then(|_| out.write_all(b"\n"))
                    .is_err()
                {
                    return exit::USAGE;
                }
            }
            Err(e) => return exit::usage_error(e),
        },
        None => {
            let stdin = std::io::stdin();
            for (n, line) in stdin.lock().split(b'\n').enumerate() {
                let mut line = match line {
                    Ok(l) => Zeroizing::new(l),
                    Err(e) => return exit::usage_error(format!("reading standard input: {e}")),
                };
                if line.ends_with(b"\r") {
                    line.pop();
                }
                let Ok(text) = std::str::from_utf8(&line) else {
                    return exit::usage_error(format!(
                        "standard input line {}: not valid UTF-8",
                        n + 1
                    ));
                };
                match transform(text) {
                    Ok(bytes) => {
                        let bytes = Zeroizing::new(bytes);
                        if out
                            .write_all(&bytes)
                            .and_then(|_| out.write_all(b"\n"))
                            .is_err()
                        {
                            return exit::USAGE;
                        }
                    }
                    Err(e) => {
                        let _ = out.flush();
                        return exit::usage_error(format!("standard input line {}: {e}", n + 1));
                    }
                }
            }
        }
    }
    exit::OK
}
