//! Passwords for keys and keystores: from an environment variable, or typed at
//! an interactive prompt when standard input is a terminal. Never from a
//! command-line argument (it would land in shell history and `ps`).

use std::io::IsTerminal;

use salesforce_auth::SecretString;

/// Reads the password held by environment variable `var`. `what` names the
/// password in messages ("the key password").
pub fn from_env(var: &str, what: &str) -> Result<SecretString, String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Ok(SecretString::from(v)),
        Ok(_) => Err(format!("{what}: environment variable {var} is empty")),
        Err(std::env::VarError::NotPresent) => {
            Err(format!("{what}: environment variable {var} is not set"))
        }
        Err(std::env::VarError::NotUnicode(_)) => Err(format!(
            "{what}: environment variable {var} is not valid UTF-8"
        )),
    }
}

/// True when a password can be asked for interactively.
pub fn can_prompt() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks for a password on the terminal (not echoed). `Ok(None)` when standard
/// input is not a terminal.
pub fn prompt(label: &str) -> Result<Option<SecretString>, String> {
    if !can_prompt() {
        return Ok(None);
    }
    let typed = rpassword::prompt_password(format!("{label}: "))
        .map_err(|e| format!("cannot read the password from the terminal: {e}"))?;
    Ok(Some(SecretString::from(typed)))
}

/// The password from `env` when given, else from a prompt when standard input
/// is a terminal, else `None`.
pub fn env_or_prompt(
    env: Option<&str>,
    what: &str,
    label: &str,
) -> Result<Option<SecretString>, String> {
    match env {
        Some(var) => from_env(var, what).map(Some),
        None => prompt(label),
    }
}

/// A new password, typed twice, from a prompt; `Ok(None)` when standard input
/// is not a terminal.
pub fn prompt_new(label: &str) -> Result<Option<SecretString>, String> {
    use salesforce_auth::ExposeSecret;
    let Some(first) = prompt(label)? else {
        return Ok(None);
    };
    let Some(second) = prompt(&format!("{label} (again)"))? else {
        return Ok(None);
    };
    if first.expose_secret() != second.expose_secret() {
        return Err("the two passwords differ".to_string());
    }
    Ok(Some(first))
}
