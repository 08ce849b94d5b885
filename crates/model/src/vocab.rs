//! Shared vocabulary: which names carry secrets. Readers use it to decide what
//! to keep; rules use it to decide what to flag.

/// Folded (lower-case letters and digits) endings of secret names.
const SECRET_ENDINGS: &[&str] = &[
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

/// Folded last segments that end like a secret name but are not one.
const NOT_SECRETS: &[&str] = &["tokenendpoint", "tokenurl", "tokentype", "passwordpolicy"];

/// What follows `password` in a folded name that describes a password
/// instead of holding one (`passwordType="DIGEST"`, `passwordMinLength`,
/// `passwordRotationDays`, `passwordFile`): a name counts as a secret's
/// when it starts with `password` unless the rest starts with one of these.
const PASSWORD_SETTINGS: &[&str] = &[
    "type",
    "policy",
    "mode",
    "file",
    "path",
    "hint",
    "hash",
    "rule",
    "field",
    "env",
    "var",
    "min",
    "max",
    "age",
    "less",
    "length",
    "rotation",
    "expir",
    "validat",
    "complexity",
    "history",
    "pattern",
    "regex",
    "encoding",
    "charset",
    "algorithm",
    "strength",
    "format",
    "prompt",
    "reset",
    "change",
    "required",
    "enabled",
    "attribute",
    "param",
    "label",
    // Salesforce password policies (ProfilePasswordPolicy, Security
    // settings): `passwordQuestion`, `passwordAssistanceMessage`,
    // `passwordAssistanceURL`.
    "question",
    "assistance",
];

/// Names that conventionally hold the secure-properties key (any case).
const ENCRYPTION_KEY_NAMES: &[&str] = &[
    "encryption.key",
    "encryptionkey",
    "encrypt.key",
    "secure.key",
    "securekey",
    "mule.key",
    "runtime.key",
    "secure.properties.key",
    "mule.encryption.key",
    "key",
];

/// Secret properties the Mule runtime itself reads from the deployment's
/// properties (Runtime Manager, `wrapper.conf`, `-D`), not an app through a
/// `${...}`: API Manager's environment credentials for API autodiscovery,
/// and the Anypoint proxy's password. Moved to a secure file they would not
/// reach the runtime; they belong to the deployment.
pub const RUNTIME_READ_SECRETS: &[&str] = &[
    "anypoint.platform.client_secret",
    "anypoint.platform.proxy_password",
];

/// Whether the runtime, not the app, reads this secret property
/// ([`RUNTIME_READ_SECRETS`]).
pub fn is_runtime_read_secret(name: &str) -> bool {
    RUNTIME_READ_SECRETS
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name.trim()))
}

/// True when a property key or XML attribute name holds a secret: passwords,
/// security tokens, client/consumer secrets, key-store passwords, API keys,
/// private keys. Matches on the last dotted segment, case-insensitively, so
/// `sfdc.password`, `storePassword` and `consumer_secret` all count, while
/// `tokenEndpoint`, `tokenUrl` and `passwordPolicy` do not.
pub fn is_secret_name(name: &str) -> bool {
    // Names are folded to their lower-case ASCII letters and digits. This runs
    // for every attribute of every Mule element and every property of every
    // app, so without allocating, and reading as little of the name as it
    // can: its last 3 folded bytes rule out most names; then the whole
    // name's last 16 (the endings, each compared as one masked integer), the
    // last segment's first 8 for `password...`, and the whole last segment
    // only for a name that looks like a secret, to rule out the exceptions.
    let fold = |b: &u8| b.is_ascii_alphanumeric().then(|| b.to_ascii_lowercase());
    let bytes = name.as_bytes();
    let last = bytes
        .iter()
        .rposition(|b| matches!(b, b'.' | b':'))
        .map_or(bytes, |i| &bytes[i + 1..]);
    let mut head = last.iter().filter_map(fold);
    let Some(first) = head.next() else {
        return false;
    };
    // The whole name's last 16 folded bytes, its last in the lowest byte, so
    // that `api.key` and `private.key` count (the last segment's folded form
    // is a suffix of the whole name's).
    let mut tail = [0u8; 16];
    let mut n = 0;
    let mut from_end = bytes.iter().rev().filter_map(fold);
    for b in from_end.by_ref().take(3) {
        tail[n] = b;
        n += 1;
    }
    let last_three = u128::from_le_bytes(tail);
    if n == 3
        && first != b'p'
        && !SECRET_ENDING_STEMS
            .iter()
            .any(|&(_, stem)| stem & 0xFF_FFFF == last_three)
    {
        return false;
    }
    for b in from_end.take(tail.len() - n) {
        tail[n] = b;
        n += 1;
    }
    // A stem longer than what was folded meets the zero bytes above it, which
    // no folded byte is.
    let tail = u128::from_le_bytes(tail);
    let looks_secret = SECRET_ENDING_STEMS
        .iter()
        .any(|&(mask, stem)| tail & mask == stem)
        || (first == b'p'
            && head.by_ref().take(7).eq(b"assword".iter().copied())
            && !describes_a_password(head));
    looks_secret && !is_listed_not_secret(last)
}

/// [`SECRET_ENDINGS`] as [`stem`]s.
const SECRET_ENDING_STEMS: [(u128, u128); SECRET_ENDINGS.len()] = {
    let mut out = [(0, 0); SECRET_ENDINGS.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = stem(SECRET_ENDINGS[i]);
        i += 1;
    }
    out
};

/// Whether the folded rest of a name after `password` starts with one of
/// [`PASSWORD_SETTINGS`].
fn describes_a_password(rest: impl Iterator<Item = u8>) -> bool {
    let mut start = [0u8; 12];
    let mut len = 0;
    for b in rest.take(start.len()) {
        start[len] = b;
        len += 1;
    }
    PASSWORD_SETTINGS
        .iter()
        .any(|w| start[..len].starts_with(w.as_bytes()))
}

/// A piece of a property name suggested for a value moved out of the XML:
/// lower-case ASCII letters and digits, `_` for the rest (`Stock_Config` ->
/// `stock_config`, `x-api-key` -> `x_api_key`). The rules' fixes and
/// `intguard fix secrets` name properties alike.
pub fn property_name_piece(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The secure property suggested for a credential an HTTP request sends:
/// `<sender>.<name>` in [`property_name_piece`]s, where the sender is the
/// request config (default headers, or the config a request uses) or else
/// the flow (`ERP_Request` + `x-api-key` -> `erp_request.x_api_key`).
/// IG102's fix and `intguard fix secrets` name it alike.
pub fn http_credential_property(sender: Option<&str>, name: &str) -> String {
    let prefix = sender
        .map(property_name_piece)
        .unwrap_or_else(|| "http".to_string());
    format!("{prefix}.{}", property_name_piece(name))
}

/// Whether the folded `segment` is one of [`NOT_SECRETS`].
fn is_listed_not_secret(segment: &[u8]) -> bool {
    let fold = |b: &u8| b.is_ascii_alphanumeric().then(|| b.to_ascii_lowercase());
    let mut norm = [0u8; 16];
    let mut len = 0;
    for b in segment.iter().filter_map(fold) {
        if len == norm.len() {
            // Longer than every listed name.
            return false;
        }
        norm[len] = b;
        len += 1;
    }
    NOT_SECRETS.iter().any(|n| n.as_bytes() == &norm[..len])
}

/// A URL path or host that may be an OAuth token endpoint's
/// (`/services/oauth2/token`, `auth.example/token`): it names OAuth or a token.
pub fn names_a_token_endpoint(text: &str) -> bool {
    let text = text.as_bytes();
    contains_ignore_ascii_case(text, b"oauth") || contains_ignore_ascii_case(text, b"token")
}

/// Whether `haystack` holds `needle`, ASCII letters compared in any case.
pub fn contains_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// True when an HTTP header or query parameter name says its value is a
/// credential: `Authorization`, `Proxy-Authorization`, and secret names
/// ([`is_secret_name`]: `client_secret`, `access_token`, `x-api-key`,
/// `X-Auth-Token`, ...). Anti-CSRF tokens (`x-csrf-token: Fetch`) are not
/// credentials.
pub fn is_credential_param_name(name: &str) -> bool {
    let n = name.trim();
    if n.eq_ignore_ascii_case("authorization") || n.eq_ignore_ascii_case("proxy-authorization") {
        return true;
    }
    let anti_forgery = contains_ignore_ascii_case(n.as_bytes(), b"csrf")
        || contains_ignore_ascii_case(n.as_bytes(), b"xsrf");
    !anti_forgery && is_secret_name(n)
}

/// Whether some name written in `text` may be a credential's
/// ([`is_credential_param_name`]). A name is a run of the text, so its folded
/// form (lower-case letters and digits) is a run of the text's folded form,
/// and every credential name's folded form holds a secret ending (a name
/// starting with `password` holds one too) or `authorization`: when the
/// folded text holds none, no name in it is a credential's. Lets a reader
/// skip, in one linear pass, the texts (most DataWeave payloads) that
/// cannot name one, before reading their structure.
///
/// A vectorised search for [`CREDENTIAL_FRAGMENTS`] goes first: each ending
/// holds one of them unbroken (`pass`word, api`key`, `session`id), so a text
/// without any names no credential but by splitting a fragment with a
/// separator (`pa_ss`), which no real name does. It rules most payloads out
/// at a tenth of the folding pass's cost (2% of a scan's instructions).
pub fn may_name_a_credential(text: &str) -> bool {
    static FRAGMENTS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(CREDENTIAL_FRAGMENTS)
                .expect("fixed patterns")
        });
    let has_fragment = match &*FRAGMENT_STARTS {
        Some(starts) => holds_a_fragment(starts, text.as_bytes()),
        None => FRAGMENTS.is_match(text),
    };
    if !has_fragment {
        return false;
    }
    // The last 16 folded bytes, the newest lowest: each stem is compared
    // as one masked integer when its last letter arrives.
    let mut last: u128 = 0;
    for &b in text.as_bytes() {
        let folded = b | 0x20;
        if !(folded.is_ascii_lowercase() || b.is_ascii_digit()) {
            continue;
        }
        last = (last << 8) | u128::from(folded);
        let stems: &[(u128, u128)] = match folded {
            b'd' => &STEMS_D,
            b'e' => &STEMS_E,
            b't' => &STEMS_T,
            b'n' => &STEMS_N,
            b'y' => &STEMS_Y,
            b's' => &STEMS_S,
            _ => continue,
        };
        if stems.iter().any(|&(mask, stem)| last & mask == stem) {
            return true;
        }
    }
    false
}

/// The first three letters of each of [`CREDENTIAL_FRAGMENTS`] in each of
/// their eight cases (`pas`, `paS`, ... `PAS`), fragment by fragment: a SIMD
/// (Teddy) search for them reads a text several times faster than the
/// case-insensitive automaton, which stops at no byte. `None` where the CPU
/// has no Teddy.
static FRAGMENT_STARTS: std::sync::LazyLock<Option<aho_corasick::packed::Searcher>> =
    std::sync::LazyLock::new(|| {
        let mut builder = aho_corasick::packed::Config::new().builder();
        for fragment in CREDENTIAL_FRAGMENTS {
            let start = &fragment.as_bytes()[..3];
            for case in 0..8u8 {
                let variant: Vec<u8> = start
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        if case & (1 << i) != 0 {
                            b.to_ascii_uppercase()
                        } else {
                            *b
                        }
                    })
                    .collect();
                builder.add(variant);
            }
        }
        builder.build()
    });

/// Whether `text` holds one of [`CREDENTIAL_FRAGMENTS`] in any case: each
/// place [`FRAGMENT_STARTS`] finds is checked for its whole fragment, and a
/// place that is not one resumes the search one byte after it (a fragment
/// may start inside it: `tokey`).
fn holds_a_fragment(starts: &aho_corasick::packed::Searcher, text: &[u8]) -> bool {
    let mut from = 0;
    while let Some(m) = starts.find_in(text, aho_corasick::Span::from(from..text.len())) {
        let fragment = CREDENTIAL_FRAGMENTS[m.pattern().as_usize() / 8].as_bytes();
        if text
            .get(m.start()..m.start() + fragment.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(fragment))
        {
            return true;
        }
        from = m.start() + 1;
    }
    false
}

/// A piece of every secret ending, as written in names (see
/// [`may_name_a_credential`]); the test `every_ending_holds_a_fragment`
/// keeps them in step with [`SECRET_ENDINGS`].
const CREDENTIAL_FRAGMENTS: [&str; 8] = [
    "pass",
    "pwd",
    "session",
    "secret",
    "token",
    "auth",
    "key",
    "credential",
];

/// A folded stem as (mask, value) over the last 16 folded bytes.
const fn stem(s: &str) -> (u128, u128) {
    let bytes = s.as_bytes();
    let mut value: u128 = 0;
    let mut i = 0;
    while i < bytes.len() {
        value = (value << 8) | bytes[i] as u128;
        i += 1;
    }
    let mask = if bytes.len() >= 16 {
        u128::MAX
    } else {
        (1u128 << (8 * bytes.len())) - 1
    };
    (mask, value)
}

// The secret endings and `authorization`, by last letter
// (`stems_cover_the_secret_endings` keeps them in step with SECRET_ENDINGS).
const STEMS_D: [(u128, u128); 4] = [
    stem("password"),
    stem("passwd"),
    stem("pwd"),
    stem("sessionid"),
];
const STEMS_E: [(u128, u128); 1] = [stem("passphrase")];
const STEMS_T: [(u128, u128); 1] = [stem("secret")];
const STEMS_N: [(u128, u128); 2] = [stem("token"), stem("authorization")];
const STEMS_Y: [(u128, u128); 2] = [stem("apikey"), stem("privatekey")];
const STEMS_S: [(u128, u128); 1] = [stem("credentials")];

/// True when a property name conventionally holds the secure-properties
/// encryption key (`encryption.key`, `secure.key`, `mule.key`, `runtime.key`).
pub fn is_encryption_key_name(name: &str) -> bool {
    let ends_with = |suffix: &str| {
        name.len() >= suffix.len()
            && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    ENCRYPTION_KEY_NAMES
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
        || ends_with(".encryption.key")
        || ends_with("encryptionkey")
}

/// True when a property or attribute name holds a value no output may show:
/// a secret ([`is_secret_name`]) or the secure-properties encryption key
/// ([`is_encryption_key_name`]).
pub fn is_secret_or_key_name(name: &str) -> bool {
    is_secret_name(name) || is_encryption_key_name(name)
}

/// Default passwords everyone knows (the JDK's `changeit`, `password`, ...):
/// as a template value they are dummies, but protecting a real key store they
/// protect nothing.
pub fn is_well_known_password(value: &str) -> bool {
    const KNOWN: &[&str] = &["changeit", "changeme", "password", "secret", "123456"];
    KNOWN.contains(&value.trim().to_ascii_lowercase().as_str())
}

/// A value that names a secret instead of holding one: an encrypted
/// `![...]` value, a `${...}` property reference or a `#[...]` expression.
pub fn is_reference_value(value: &str) -> bool {
    let v = crate::trim::trim(value);
    v.starts_with("![") || v.contains("${") || v.contains("#[")
}

/// A value in a script, CI file or command line that reads a variable or a
/// command (`$PW`, `"$(vault read ...)"`, `${{ secrets.X }}`, `%PW%`, a
/// backtick command): no secret of its own, and not to be masked in what
/// intguard prints.
pub fn reads_a_variable(value: &str) -> bool {
    let v = crate::trim::trim(value);
    v.starts_with(['$', '`'])
        || v.contains("${")
        || v.contains("{{")
        || (v.len() > 1 && v.starts_with('%') && v.ends_with('%'))
}

/// True for values that are obviously not real secrets: empty, placeholders,
/// encrypted `![...]` values, the dummies people leave in templates, and
/// intguard's own masks of a secret (`Ac…(14)`, `…(5) sha256:1a2b3c4d`).
pub fn is_placeholder_value(value: &str) -> bool {
    let v = crate::trim::trim(value);
    if v.is_empty() || is_reference_value(v) {
        return true;
    }
    if is_mask(v) {
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

/// An OAuth token endpoint's address (`https://acme.my.salesforce.com/services/oauth2/token`):
/// an `http(s)` URL without user info, query or fragment whose path ends in
/// `/token`. What a property named like a token (`sf.token`, `oauth.token`)
/// holds when it is the endpoint a connection's `tokenEndpoint` or
/// `tokenUrl` reads, not a token: no secret, whatever the name says.
pub fn is_token_endpoint_url(value: &str) -> bool {
    let v = crate::trim::trim(value);
    let Some(rest) = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
    else {
        return false;
    };
    let Some((authority, path)) = rest.split_once('/') else {
        return false;
    };
    !authority.is_empty()
        && !authority.contains('@')
        && !rest.contains(['?', '#', ' ', '\t'])
        && path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .is_some_and(|last| last.eq_ignore_ascii_case("token"))
}

/// The password of a URL's user info (`https://svc:Pw@host/...` -> `Pw`),
/// when one is written there: not empty, no reference (`${pw}`, `#[...]`),
/// not a mask. Several URLs in one value (a list): the first with one.
pub fn url_password(value: &str) -> Option<&str> {
    // Asked of every property value and URL attribute: most have no `@`.
    if !value.as_bytes().contains(&b'@') {
        return None;
    }
    let mut rest = value;
    while let Some(at) = rest.find("://") {
        let after = &rest[at + 3..];
        let end = after
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace() || c == '"')
            .unwrap_or(after.len());
        let authority = &after[..end];
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            if let Some((_, password)) = userinfo.split_once(':') {
                if !password.is_empty() && !is_placeholder_value(password) {
                    return Some(password);
                }
            }
        }
        rest = &after[end..];
    }
    None
}

/// The `name=value` pairs of a URL's query (`...?grant_type=password&password=...`),
/// up to a fragment or the end of the URL, values as written.
pub fn url_query_pairs(value: &str) -> impl Iterator<Item = (&str, &str)> {
    // Asked of every URL attribute and property value: most have no query.
    let query = match memchr::memchr(b'?', value.as_bytes()) {
        Some(q) => &value[q + 1..],
        None => "",
    };
    let end = query
        .find(|c: char| c == '#' || c.is_whitespace() || c == '"')
        .unwrap_or(query.len());
    query[..end]
        .split('&')
        .filter_map(|pair| pair.split_once('='))
}

/// The pairs of a URL's query ([`url_query_pairs`]) whose name says they
/// carry a credential ([`is_credential_param_name`]) and whose value is
/// written in the text: not empty, not a `${...}` or `#[...]` reference.
/// Values are as written (percent-encoding kept).
pub fn url_query_credentials(value: &str) -> Vec<(&str, &str)> {
    url_query_pairs(value)
        .filter(|(name, v)| {
            !v.is_empty()
                && !v.contains("${")
                && !v.contains("#[")
                && is_credential_param_name(name)
        })
        .collect()
}

/// A secret as intguard masks it (`crate::secret::mask`): at most two
/// characters, `…(LENGTH)`, and optionally ` sha256:` with 8 hex digits.
/// Reports quote these; they are never a secret themselves.
pub fn is_mask(value: &str) -> bool {
    let v = crate::trim::trim(value);
    let Some((head, rest)) = v.split_once("…(") else {
        return false;
    };
    let Some((len, tail)) = rest.split_once(')') else {
        return false;
    };
    let tail = tail.trim_start();
    head.chars().count() <= 2
        && !len.is_empty()
        && len.bytes().all(|b| b.is_ascii_digit())
        && (tail.is_empty()
            || tail
                .strip_prefix("sha256:")
                .is_some_and(|h| h.len() == 8 && h.bytes().all(|b| b.is_ascii_hexdigit())))
}

/// `*.salesforce.com`, `*.force.com` (including `*.my.salesforce.com` and
/// `*.lightning.force.com`; `*.my.site.com` is not the Salesforce API).
pub fn is_salesforce_host(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "salesforce.com"
        || h == "force.com"
        || h.ends_with(".salesforce.com")
        || h.ends_with(".force.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by exploratory testing: `sf.token` holding the token endpoint
    /// a `tokenEndpoint` reads was reported as a token in clear.
    #[test]
    fn a_token_endpoints_address_is_no_token() {
        for endpoint in [
            "https://acme.my.salesforce.com/services/oauth2/token",
            "https://login.salesforce.com/services/oauth2/token/",
            " https://idp.acme.com/oauth/TOKEN ",
            "http://localhost:8080/protocol/openid-connect/token",
        ] {
            assert!(is_token_endpoint_url(endpoint), "{endpoint}");
        }
        for value in [
            // A token, a URL carrying one or credentials, other addresses.
            "00D5e000000AbCd!AQ8AQHx7mVqX3tYb2Zq9",
            "https://api.acme.com/token?access_token=abc123",
            "https://svc:Pw123@idp.acme.com/oauth/token",
            "https://hooks.slack.com/services/T000/B000/XXXXXXXX",
            "https://idp.acme.com/oauth/tokens",
            "https://idp.acme.com",
            "ftp://idp.acme.com/token",
        ] {
            assert!(!is_token_endpoint_url(value), "{value}");
        }
        let entry = |k: &str, v: &str| {
            crate::PropertyEntry::new(k, v, crate::Location::new("c.yaml", 1, 1))
        };
        assert!(!entry(
            "sf.token",
            "https://acme.my.salesforce.com/services/oauth2/token"
        )
        .has_secret_name());
        assert!(entry("sf.token", "Tok3nValue-42").has_secret_name());
    }

    #[test]
    fn fragments_found_as_by_the_automaton() {
        let automaton = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(CREDENTIAL_FRAGMENTS)
            .unwrap();
        let Some(starts) = &*FRAGMENT_STARTS else {
            return;
        };
        let mut texts: Vec<String> = vec![
            String::new(),
            "tokey".into(),
            "tokeN".into(),
            "pas".into(),
            "PaSs".into(),
            "secsecret".into(),
            "x".repeat(100) + "CREDENTIAL",
            "{ grant_type: \"client_credentials\", client_id: vars.id }".into(),
            "%dw 2.0\noutput application/json\n---\n{ id: payload.id, total: 3 }".into(),
        ];
        for f in CREDENTIAL_FRAGMENTS {
            for cut in 1..f.len() {
                texts.push(format!("{} {}", &f[..cut], &f[cut..]));
                texts.push(format!("{}{}", "a".repeat(40), &f[..cut]));
                texts.push(format!(
                    "{}{}{}",
                    "b".repeat(70),
                    f.to_ascii_uppercase(),
                    "c"
                ));
            }
        }
        for t in &texts {
            assert_eq!(
                holds_a_fragment(starts, t.as_bytes()),
                automaton.is_match(t),
                "{t:?}"
            );
        }
    }

    /// Over 10,000 names built from the vocabulary's pieces, the fast test
    /// agrees with the plain definition.
    #[test]
    fn secret_names_as_defined() {
        let mut pieces: Vec<String> = SECRET_ENDINGS
            .iter()
            .chain(NOT_SECRETS)
            .chain(PASSWORD_SETTINGS)
            .map(|s| s.to_string())
            .collect();
        for s in SECRET_ENDINGS.iter().chain(NOT_SECRETS) {
            for cut in 1..s.len() {
                pieces.push(s[..cut].to_string());
                pieces.push(s[cut..].to_string());
            }
            pieces.push(s.to_ascii_uppercase());
        }
        pieces.extend(
            [
                "",
                "a",
                "p",
                "x",
                "db",
                "api",
                "client",
                "Client_",
                "sfdc.",
                "mule:",
                "-",
                "_",
                ".",
                ":",
                "1",
                "é",
                "keystore",
                "password",
                "passwordType",
                "PASSWORD_",
                "token.",
                "x-api-",
                "private",
                "api.",
                "key.store",
                "pass.word",
            ]
            .map(str::to_string),
        );
        let mut checked = 0;
        for a in &pieces {
            for b in &pieces {
                let name = format!("{a}{b}");
                assert_eq!(
                    is_secret_name(&name),
                    is_secret_name_reference(&name),
                    "{name:?}"
                );
                for sep in [".", ":", "_", "-"] {
                    let name = format!("{a}{sep}{b}");
                    assert_eq!(
                        is_secret_name(&name),
                        is_secret_name_reference(&name),
                        "{name:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000);
    }

    #[test]
    fn contains_in_any_case() {
        assert!(contains_ignore_ascii_case(b"X-CSRF-Token", b"csrf"));
        assert!(contains_ignore_ascii_case(
            b"SELECT Id FROM A FOR  UPDATE",
            b"from a"
        ));
        assert!(contains_ignore_ascii_case(b"abc", b""));
        assert!(!contains_ignore_ascii_case(b"ab", b"abc"));
        assert!(!contains_ignore_ascii_case(b"profiles", b"permissionset"));
    }

    #[test]
    fn stems_cover_the_secret_endings() {
        let all: Vec<(u128, u128)> = [
            &STEMS_D[..],
            &STEMS_E[..],
            &STEMS_T[..],
            &STEMS_N[..],
            &STEMS_Y[..],
            &STEMS_S[..],
        ]
        .concat();
        for e in SECRET_ENDINGS.iter().chain(&["authorization"]) {
            assert!(all.contains(&stem(e)), "{e}");
        }
        assert_eq!(all.len(), SECRET_ENDINGS.len() + 1);
    }

    /// Each secret ending, and `authorization`, holds one of the fragments
    /// the first step of [`may_name_a_credential`] searches for.
    #[test]
    fn every_ending_holds_a_fragment() {
        for ending in SECRET_ENDINGS.iter().copied().chain(["authorization"]) {
            assert!(
                CREDENTIAL_FRAGMENTS.iter().any(|f| ending.contains(f)),
                "{ending}"
            );
        }
    }

    /// Every name [`is_credential_param_name`] accepts, written inside a
    /// text with any separators and case, is seen by
    /// [`may_name_a_credential`]; texts without one are not.
    #[test]
    fn credential_names_are_never_missed_by_the_prefilter() {
        let pieces = [
            "",
            "x",
            "api",
            "client",
            "consumer",
            "store",
            "key",
            "private",
            "session",
            "access",
            "refresh",
            "pass",
            "word",
            "pwd",
            "secret",
            "token",
            "id",
            "auth",
            "authorization",
            "proxy",
            "credentials",
            "phrase",
            "csrf",
            "endpoint",
            "url",
            "type",
            "policy",
            "sfdc",
        ];
        let seps = ["", "_", "-", ".", ":", " "];
        let mut credential = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for sep in seps {
                        let name = [a, b, c]
                            .iter()
                            .filter(|p| !p.is_empty())
                            .copied()
                            .collect::<Vec<_>>()
                            .join(sep);
                        for n in [name.clone(), name.to_ascii_uppercase()] {
                            if is_credential_param_name(&n) {
                                credential += 1;
                                let text = format!("%dw 2.0\n---\n{{ \"{n}\": vars.x, other: 1 }}");
                                assert!(may_name_a_credential(&text), "{n:?}");
                            }
                        }
                    }
                }
            }
        }
        assert!(credential > 10_000, "{credential}");
        for text in [
            "%dw 2.0\noutput application/json\n---\n{ id: payload.id, name: payload.name, items: payload.lines map { sku: $.sku } }",
            "#[{'Accept': 'application/json', 'x-correlation-id': correlationId}]",
            "",
        ] {
            assert!(!may_name_a_credential(text), "{text}");
        }
    }

    /// The definitions of the name tests, written plainly (with allocations).
    fn is_secret_name_reference(name: &str) -> bool {
        let fold = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase()
        };
        let norm = fold(name.rsplit(['.', ':']).next().unwrap_or(name));
        if norm.is_empty() {
            return false;
        }
        if NOT_SECRETS.contains(&norm.as_str()) {
            return false;
        }
        let full = fold(name);
        SECRET_ENDINGS
            .iter()
            .any(|e| norm.ends_with(e) || full.ends_with(e))
            || norm
                .strip_prefix("password")
                .is_some_and(|rest| !PASSWORD_SETTINGS.iter().any(|w| rest.starts_with(w)))
    }

    fn is_encryption_key_name_reference(name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        ENCRYPTION_KEY_NAMES.contains(&lower.as_str())
            || lower.ends_with(".encryption.key")
            || lower.ends_with("encryptionkey")
    }

    #[test]
    fn name_tests_match_their_plain_definitions() {
        // The allocation-free version keeps 16 folded bytes of each end.
        assert!(SECRET_ENDINGS
            .iter()
            .chain(NOT_SECRETS)
            .all(|w| w.len() <= 16));
        // Names built from pieces that straddle every boundary of the
        // allocation-free version (16 folded bytes, separators, case,
        // non-ASCII, punctuation inside words).
        let pieces = [
            "",
            ".",
            ":",
            "_",
            "-",
            "sfdc",
            "Password",
            "pass_word",
            "PWD",
            "passwordPolicy",
            "token",
            "Token.Endpoint",
            "tokenurl",
            "api",
            "Key",
            "private",
            "key",
            "secret",
            "client_secret",
            "credentials",
            "sessionId",
            "é",
            "日本",
            "encryption",
            "Encryption.Key",
            "secure",
            "mule",
            "runtime",
            "aVeryLongSegmentName",
            "Type",
            "MinLength",
            "Encrypted",
            "x1",
            "passphrase9",
            "Passwd",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in [
                    "",
                    ".",
                    ":",
                    "password",
                    "Key",
                    "tokenType",
                    "encryptionKey",
                ] {
                    let name = format!("{a}{b}{c}");
                    assert_eq!(
                        is_secret_name(&name),
                        is_secret_name_reference(&name),
                        "is_secret_name({name:?})"
                    );
                    assert_eq!(
                        is_encryption_key_name(&name),
                        is_encryption_key_name_reference(&name),
                        "is_encryption_key_name({name:?})"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 5000);
        for long in [
            "a.passwordButVeryMuchLongerThanSixteen",
            "tokenendpointtokenendpoint",
            "x.xxxxxxxxxxxxxxxxxxxxxxxxcredentials",
        ] {
            assert_eq!(
                is_secret_name(long),
                is_secret_name_reference(long),
                "{long}"
            );
        }
    }

    #[test]
    fn url_query_credentials_are_the_credential_pairs_written_in_the_query() {
        assert_eq!(
            url_query_credentials(
                "https://h/token?grant_type=password&username=u&password=Pw-1&client_secret=S3c#frag"
            ),
            [("password", "Pw-1"), ("client_secret", "S3c")]
        );
        // References, empty values, names that carry no credential, no query.
        assert!(url_query_credentials("https://h/t?password=${secure::p}&api_key=").is_empty());
        assert!(url_query_credentials("https://h/t?client_secret=#[p('s')]").is_empty());
        assert!(url_query_credentials("https://h/t?grant_type=password&client_id=x").is_empty());
        assert!(url_query_credentials("https://h/password=x").is_empty());
    }

    #[test]
    fn url_passwords() {
        assert_eq!(
            url_password("https://svc:Pw-123@login.example/x"),
            Some("Pw-123")
        );
        assert_eq!(url_password("http://a:b:c@h"), Some("b:c"));
        assert_eq!(url_password("https://svc@h/x"), None);
        assert_eq!(url_password("https://h/x?u=a:b@c"), None);
        assert_eq!(url_password("https://svc:${pw}@h"), None);
        assert_eq!(url_password("https://svc:changeme@h"), None);
        assert_eq!(url_password("no url: a:b@c"), None);
        assert_eq!(
            url_password("http://h1/x, https://u:Second-Pw@h2"),
            Some("Second-Pw")
        );
    }

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
            "password2",
            "passwordProd",
            "sfdc.passwordEncrypted",
            "password_value",
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
            // Settings that describe a password.
            "passwordType",
            "security.passwordMinLength",
            "passwordRotationDays",
            "passwordHashAlgorithm",
            "passwordEncoding",
            "password_file",
            "passwordless",
            // Salesforce password policies.
            "passwordQuestion",
            "passwordAssistanceMessage",
            "passwordAssistanceURL",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    #[test]
    fn credential_param_names() {
        for yes in [
            "Authorization",
            "authorization",
            "Proxy-Authorization",
            "client_secret",
            "access_token",
            "x-api-key",
            "X-Auth-Token",
            "apikey",
            "password",
        ] {
            assert!(is_credential_param_name(yes), "{yes}");
        }
        for no in [
            "Accept",
            "Content-Type",
            "client_id",
            "grant_type",
            "token_type",
            "x-csrf-token",
            "X-XSRF-TOKEN",
            "Authorization-Mode",
        ] {
            assert!(!is_credential_param_name(no), "{no}");
        }
    }

    #[test]
    fn placeholder_values() {
        assert!(is_placeholder_value("${secure::x}"));
        assert!(is_placeholder_value("![abc]"));
        assert!(is_placeholder_value("changeme"));
        assert!(!is_placeholder_value("Tiger2024!"));
        // intguard's masks, as its reports quote them.
        for masked in ["Ac…(14)", "…(5)", "Sp…(17) sha256:26a3bfee", " Te…(8) "] {
            assert!(is_placeholder_value(masked), "{masked}");
            assert!(is_mask(masked), "{masked}");
        }
        for not_masked in [
            "Acme…(14)x",
            "Ac…()",
            "Ac…(14) sha256:xyz",
            "Ac…(1a)",
            "Ac(14)",
        ] {
            assert!(!is_mask(not_masked), "{not_masked}");
        }
    }
}
