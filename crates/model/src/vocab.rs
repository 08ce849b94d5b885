//! Shared vocabulary: which names carry secrets. Readers use it to decide what
//! to keep; rules use it to decide what to flag.

/// True when a property key or XML attribute name holds a secret: passwords,
/// security tokens, client/consumer secrets, key-store passwords, API keys,
/// private keys. Matches on the last dotted segment, case-insensitively, so
/// `sfdc.password`, `storePassword` and `consumer_secret` all count, while
/// `tokenEndpoint`, `tokenUrl` and `passwordPolicy` do not.
pub fn is_secret_name(name: &str) -> bool {
    let last = name.rsplit(['.', ':']).next().unwrap_or(name);
    let norm: String = last
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if norm.is_empty() {
        return false;
    }
    const ENDINGS: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "privatekey",
        "credentials",
        "sessionid",
    ];
    const NOT_SECRETS: &[&str] = &["tokenendpoint", "tokenurl", "tokentype", "passwordpolicy"];
    if NOT_SECRETS.contains(&norm.as_str()) {
        return false;
    }
    // The whole name too, so that `api.key` and `private.key` count.
    let full: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    ENDINGS
        .iter()
        .any(|e| norm.ends_with(e) || full.ends_with(e))
        || norm.starts_with("password")
}

/// True when a property name conventionally holds the secure-properties
/// encryption key (`encryption.key`, `secure.key`, `mule.key`, `runtime.key`).
pub fn is_encryption_key_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "encryption.key"
            | "encryptionkey"
            | "encrypt.key"
            | "secure.key"
            | "securekey"
            | "mule.key"
            | "runtime.key"
            | "secure.properties.key"
            | "mule.encryption.key"
            | "key"
    ) || lower.ends_with(".encryption.key")
        || lower.ends_with("encryptionkey")
}

/// True for values that are obviously not real secrets: empty, placeholders,
/// Default passwords everyone knows (the JDK's `changeit`, `password`, ...):
/// as a template value they are dummies, but protecting a real key store they
/// protect nothing.
pub fn is_well_known_password(value: &str) -> bool {
    const KNOWN: &[&str] = &["changeit", "changeme", "password", "secret", "123456"];
    KNOWN.contains(&value.trim().to_ascii_lowercase().as_str())
}

/// encrypted `![...]` values, and the dummies people leave in templates.
pub fn is_placeholder_value(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() || v.starts_with("![") || v.contains("${") || v.contains("#[") {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    const DUMMIES: &[&str] = &[
        "changeme",
        "change_me",
        "changeit",
        "<password>",
        "<secret>",
        "xxx",
        "xxxx",
        "xxxxxxxx",
        "****",
        "********",
        "todo",
        "tbd",
        "none",
        "null",
        "n/a",
        "dummy",
        "placeholder",
        "your-password",
        "your_password",
        "yourpassword",
        "secret",
        "password",
    ];
    DUMMIES.contains(&lower.as_str()) || (lower.starts_with('<') && lower.ends_with('>'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for yes in [
            "password",
            "sfdc.password",
            "securityToken",
            "consumerSecret",
            "client_secret",
            "storePassword",
            "keyPassword",
            "salesforce.security-token",
            "api.key",
            "apiKey",
            "secure::sfdc.password",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "username",
            "tokenEndpoint",
            "tokenUrl",
            "consumerKey",
            "url",
            "principal",
            "keyStore",
            "passwordPolicy",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    #[test]
    fn placeholder_values() {
        assert!(is_placeholder_value("${secure::x}"));
        assert!(is_placeholder_value("![abc]"));
        assert!(is_placeholder_value("changeme"));
        assert!(!is_placeholder_value("Tiger2024!"));
    }
}
