use std::collections::HashMap;

use intguard_model::secret::{describe, fingerprint};
use intguard_model::{
    Finding, Inventory, Location, Practice, Related, RuleMeta, Severity, TextFileFacts, TokenKind,
};

use crate::support::{
    app_for_path, file_name, in_runtime_syntax, is_dummy, short_location, OauthAppFile,
};
use crate::{Rule, Scope, Sink};

pub struct SalesforceToken;

static META: RuleMeta = RuleMeta {
    id: "IG106",
    name: "salesforce-token",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::Critical,
    summary:
        "A Salesforce access token, refresh token or consumer key and secret pair is committed",
    doc: r#"## What it does
Looks at every text file of the repository (Mule apps, scripts, READMEs, notes, CI
files) for Salesforce credentials written out: access or session tokens
(`00D...!...`, an org id, `!` and the token), OAuth refresh tokens (`5Aep861...`), and
a connected app consumer key (`3MVG9...`) that sits in the same file as a consumer
secret (a `*secret*` property, `-D...secret=` / `export ...SECRET=` definition or
attribute). A key that a Mule Salesforce connection reads goes with that connection's
own `consumerSecret` only, wherever it is defined; a JWT or SAML connection's key has
none, and another system's secret beside it is not its pair. In a connected app's or
external client app's metadata, the fix is Salesforce's: a new secret, and the file
committed without one. The finding shows a mask and a short fingerprint, never the value.
Placeholders written in documentation (`00DXXXXXXXXXXXX!XXXX...`, `5Aep861XXXX...`, all
zeros) are not tokens.

## Why is this bad?
An access token is a live session: anyone who reads it can call the API as the
integration user until the session times out, with no password, certificate or IP
check left to pass. A refresh token mints new access tokens for as long as the
connected app's refresh token policy allows (often forever). A consumer key with its
secret lets anyone run the app's OAuth flows. Once committed, they stay in git
history, in every clone and in CI logs.

## Example
```bash
# scripts/smoke-test.sh
curl -H "Authorization: Bearer 00D5e000000AbCd!AQ8AQ..." \
     https://acme.my.salesforce.com/services/data/v61.0/limits
```
```yaml
sfdc:
  consumerKey: "3MVG9...."
  consumerSecret: "E1B2C3..."
```

## How to fix
1. Revoke the token now: Setup > Apps > Connected Apps > Connected Apps OAuth Usage
   > (the app) > the user > Revoke, or
   `curl -X POST https://<mydomain>.my.salesforce.com/services/oauth2/revoke -d "token=<token>"`.
   For a consumer secret, generate a new one (App Manager > the app > Manage Consumer
   Details) or, better, move the integration to the JWT bearer flow.
2. Remove the value from the file and purge it from git history
   (`git filter-repo --replace-text`).
3. Obtain tokens at run time (JWT bearer flow) and keep app credentials in secure
   properties set at deploy time:
```yaml
# properties/prod-secure.yaml (values encrypted, key provided by Runtime Manager)
sfdc:
  consumerKey: "![...]"
```
```xml
<salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}" .../>
```

## References
- Salesforce Help: Revoke OAuth Tokens
- Salesforce Help: OAuth 2.0 Token Revocation (`/services/oauth2/revoke`)
- Salesforce Help: Manage OAuth Access Policies for a Connected App (refresh token policy)
"#,
};

fn kind_phrase(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::AccessToken => "Salesforce access (session) token",
        TokenKind::RefreshToken => "Salesforce OAuth refresh token",
        // Named by the file it is in (connected app or external client
        // app): see the consumer key's finding.
        TokenKind::ConsumerKey => "consumer key",
    }
}

fn kind_key(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::AccessToken => "access-token",
        TokenKind::RefreshToken => "refresh-token",
        TokenKind::ConsumerKey => "consumer-key",
    }
}

/// A consumer secret written in clear in the same file as a consumer key.
struct SecretNearby {
    name: String,
    value: String,
    location: Location,
}

fn is_consumer_secret_name(name: &str) -> bool {
    name.to_ascii_lowercase().contains("secret")
}

/// How many of a file's consumer secrets a consumer key's finding names in
/// its message and lists as related locations, nearest first: a file that
/// repeats a key and a secret thousands of times (a generated or garbled
/// file) must not make each finding list every other one.
const SECRETS_NAMED: usize = 3;
const SECRETS_RELATED: usize = 10;

/// The [`SECRETS_RELATED`] secrets nearest to `line`, nearest first (the
/// earlier one on a tie); `secrets` is sorted by line.
fn nearest_secrets(secrets: &[SecretNearby], line: u32) -> Vec<&SecretNearby> {
    let mut after = secrets.partition_point(|s| s.location.line < line);
    let mut before = after;
    let mut out = Vec::new();
    while out.len() < SECRETS_RELATED && (before > 0 || after < secrets.len()) {
        let take_before = match (before.checked_sub(1), secrets.get(after)) {
            (Some(b), Some(a)) => line - secrets[b].location.line <= a.location.line - line,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if take_before {
            before -= 1;
            out.push(&secrets[before]);
        } else {
            out.push(&secrets[after]);
            after += 1;
        }
    }
    out
}

fn secrets_in_file(inventory: &Inventory, file: &TextFileFacts) -> Vec<SecretNearby> {
    let mut out: Vec<SecretNearby> = Vec::new();
    for a in &file.assignments {
        if is_consumer_secret_name(&a.name) && !is_dummy(&a.value) {
            out.push(SecretNearby {
                name: a.name.to_string(),
                value: a.value.to_string(),
                location: a.location.clone(),
            });
        }
    }
    for app in &inventory.apps {
        for pf in app.property_files.iter().filter(|p| p.path == file.path) {
            for e in &pf.entries {
                if is_consumer_secret_name(e.key()) && !is_dummy(e.value()) {
                    out.push(SecretNearby {
                        name: e.key().to_string(),
                        value: e.value().to_string(),
                        location: e.location.clone(),
                    });
                }
            }
        }
        for attr in app
            .secret_attributes
            .iter()
            .filter(|a| a.value.location.path == file.path)
        {
            if is_consumer_secret_name(&attr.name)
                && attr.value.is_literal()
                && !is_dummy(&attr.value.raw)
            {
                out.push(SecretNearby {
                    name: attr.name.clone(),
                    value: attr.value.raw.clone(),
                    location: attr.value.location.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.location.cmp(&b.location));
    out.dedup_by(|a, b| a.location == b.location);
    out
}

/// When a Salesforce connection reads the consumer key at `key` (its
/// `consumerKey` resolves through the property defined there, in some
/// environment): the clear consumer secrets those connections read, sorted
/// by place (none for a JWT or SAML connection, which has no secret, or for
/// an encrypted one). `None` when no connection reads it: the file's
/// secret-named values nearest to it are then its likely secret.
fn connection_secrets(inventory: &Inventory, key: &Location) -> Option<Vec<SecretNearby>> {
    let at_key = |l: &Location| l.path == key.path && l.line == key.line;
    let mut read = false;
    let mut out: Vec<SecretNearby> = Vec::new();
    for app in &inventory.apps {
        for conn in &app.salesforce_connections {
            let Some(value) = conn.attr("consumerKey") else {
                continue;
            };
            let reads_it = at_key(&value.location)
                || app
                    .resolve_all(value)
                    .iter()
                    .any(|r| r.sources.iter().any(|s| at_key(s.location())));
            if !reads_it {
                continue;
            }
            read = true;
            let Some(secret) = conn.attr("consumerSecret") else {
                continue;
            };
            if secret.is_literal() {
                if !is_dummy(&secret.raw) {
                    out.push(SecretNearby {
                        name: "consumerSecret".to_string(),
                        value: secret.raw.clone(),
                        location: secret.location.clone(),
                    });
                }
                continue;
            }
            for r in app.resolve_all(secret) {
                let (Some(value), Some(origin)) = (r.value.as_deref(), r.origin()) else {
                    continue;
                };
                if r.is_encrypted() || is_dummy(value) {
                    continue;
                }
                out.push(SecretNearby {
                    name: origin.name().to_string(),
                    value: value.to_string(),
                    location: origin.location().clone(),
                });
            }
        }
    }
    // By line, as `nearest_secrets` reads them; each place once.
    out.sort_by(|a, b| {
        let at = |s: &SecretNearby| (s.location.line, s.location.column);
        at(a).cmp(&at(b)).then_with(|| a.location.cmp(&b.location))
    });
    out.dedup_by(|a, b| a.location == b.location);
    read.then_some(out)
}

/// A token as Salesforce issues it: a session id URL-encoded in a query
/// string (`sid=00D...%21AQ...`) is the same token as `00D...!AQ...`.
fn canonical_token(value: &str) -> std::borrow::Cow<'_, str> {
    match value.find("%21") {
        Some(i) if !value[..i].contains('!') => {
            std::borrow::Cow::Owned(format!("{}!{}", &value[..i], &value[i + 3..]))
        }
        _ => std::borrow::Cow::Borrowed(value),
    }
}

/// ` (sandbox qa)` for `acme--qa.sandbox.my.salesforce.com`, ` (production)`
/// for a production My Domain, else nothing.
fn org_kind(host: &str) -> String {
    let first = host.split('.').next().unwrap_or(host);
    if let Some((_, sandbox)) = first.split_once("--") {
        format!(" (sandbox {sandbox})")
    } else if host.ends_with(".sandbox.my.salesforce.com") {
        format!(" (sandbox {first})")
    } else if host.ends_with(".my.salesforce.com")
        && !host.ends_with(".scratch.my.salesforce.com")
        && !host.ends_with(".develop.my.salesforce.com")
    {
        " (production)".to_string()
    } else {
        String::new()
    }
}

/// A token written as a placeholder in documentation
/// (`00DXXXXXXXXXXXX!XXXX...`, `5Aep861XXXX...`, all zeros): what follows
/// its fixed prefixes (an org id's `00D`, the secret's `AQ`, a refresh
/// token's `5Aep861`) is one character repeated, or two (an org id of
/// zeros, then X's).
fn is_placeholder_token(value: &str) -> bool {
    let (org, secret) = value.split_once('!').unwrap_or(("", value));
    let org = org.strip_prefix("00D").unwrap_or(org);
    let secret = secret
        .strip_prefix("5Aep861")
        .or_else(|| secret.strip_prefix("AQ"))
        .unwrap_or(secret);
    let mut distinct: Vec<char> = Vec::new();
    for c in org
        .chars()
        .chain(secret.chars())
        .filter(|c| c.is_ascii_alphanumeric())
    {
        if !distinct.contains(&c) {
            distinct.push(c);
            if distinct.len() > 2 {
                return false;
            }
        }
    }
    true
}

impl Rule for SalesforceToken {
    /// Reads each file's tokens, and the secrets its own app defines in that file.
    fn scope(&self) -> Scope {
        Scope::App
    }

    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        each_finding(inventory, &mut |f| out.push(f));
        out
    }

    /// A batch at a time: a log of 100,000 logins holds as many tokens,
    /// whose findings (2 KB each) were all held before the first was
    /// spilled.
    fn check_into(&self, inventory: &Inventory, sink: &Sink<'_>) {
        let mut batch = Vec::new();
        each_finding(inventory, &mut |f| {
            batch.push(f);
            if batch.len() == BATCH {
                sink(std::mem::take(&mut batch));
            }
        });
        if !batch.is_empty() {
            sink(batch);
        }
    }
}

/// How many findings [`SalesforceToken::check_into`] hands over at once.
const BATCH: usize = 1024;

/// Each finding of the rule, as it is made.
fn each_finding(inventory: &Inventory, emit: &mut dyn FnMut(Finding)) {
    for file in &inventory.text_files {
        if file.tokens.is_empty() {
            continue;
        }
        let owner = app_for_path(inventory, &file.path);
        let app = owner
            .map(|a| format!(" (app {})", a.name))
            .unwrap_or_default();
        let name = file_name(&file.path);
        // How many times each value was seen before in this file.
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut secrets: Option<Vec<SecretNearby>> = None;
        for token in &file.tokens {
            if is_placeholder_token(&token.value) {
                continue;
            }
            // One token, one fingerprint, however it is written.
            let canonical = canonical_token(&token.value);
            let fp = fingerprint(&canonical);
            let count = seen.entry(fp.clone()).or_insert(0);
            let nth = *count;
            *count += 1;
            let key = format!("{}|{fp}|{nth}", kind_key(token.kind));
            match token.kind {
                TokenKind::AccessToken | TokenKind::RefreshToken => {
                    let org = token
                        .host
                        .as_deref()
                        .map(|h| format!(", next to the org host {h}{}", org_kind(h)))
                        .unwrap_or_default();
                    let message = format!(
                        "{} {} is committed in {name}{app}{org}",
                        kind_phrase(token.kind),
                        describe(&canonical)
                    );
                    let host = token
                        .host
                        .as_deref()
                        .unwrap_or("<mydomain>.my.salesforce.com");
                    emit(
                            Finding::new(&META, token.location.clone(), message)
                                .severity(Severity::Critical)
                                .key(key)
                                .fix(format!(
                                    "Revoke it now (Setup > Apps > Connected Apps > Connected Apps OAuth Usage > the app > Revoke, or POST https://{host}/services/oauth2/revoke with token=<the token>); then delete it from {} and purge it from git history (git filter-repo --replace-text <file>, where <file> holds the value followed by ==>REMOVED), and obtain tokens at run time with the JWT bearer flow instead.",
                                    file.path
                                )),
                        );
                }
                TokenKind::ConsumerKey => {
                    // A key a Salesforce connection reads goes with that
                    // connection's own secret, or with none (JWT, SAML).
                    let own;
                    let secrets: &[SecretNearby] =
                        match connection_secrets(inventory, &token.location) {
                            Some(found) => {
                                own = found;
                                &own
                            }
                            None => secrets.get_or_insert_with(|| {
                                let mut all = secrets_in_file(inventory, file);
                                all.sort_by_key(|s| (s.location.line, s.location.column));
                                all
                            }),
                        };
                    if secrets.is_empty() {
                        continue;
                    }
                    let nearest = nearest_secrets(secrets, token.location.line);
                    let mut names: Vec<String> = nearest
                        .iter()
                        .take(SECRETS_NAMED)
                        .map(|s| {
                            format!(
                                "`{}` {} at {}",
                                s.name,
                                describe(&s.value),
                                short_location(&s.location)
                            )
                        })
                        .collect();
                    if secrets.len() > names.len() {
                        names.push(format!("{} more", secrets.len() - names.len()));
                    }
                    let metadata = OauthAppFile::of(&file.path);
                    let message = format!(
                            "{} consumer key {} is committed in {name}{app} together with its consumer secret ({})",
                            metadata.map_or("connected app", OauthAppFile::label),
                            describe(&canonical),
                            names.join(", ")
                        );
                    let fix = match metadata {
                        Some(m) => m.secret_fix(&file.path),
                        None => {
                            let fix = format!(
                                    "Generate a new consumer secret for the connected app (Setup > App Manager > the app > View > Manage Consumer Details) and revoke its tokens (Connected Apps OAuth Usage > Revoke), or move the integration to the JWT bearer flow; delete the key and secret from {} and purge them from git history (git filter-repo --replace-text <file>, where <file> holds the value followed by ==>REMOVED); keep them as encrypted secure properties (consumerKey=\"${{secure::sfdc.consumerKey}}\") set at deploy time.",
                                    file.path
                                );
                            match owner {
                                Some(a) => in_runtime_syntax(a, fix),
                                None => fix,
                            }
                        }
                    };
                    let mut finding = Finding::new(&META, token.location.clone(), message)
                        .severity(Severity::Critical)
                        .key(key)
                        .fix(fix);
                    for s in nearest {
                        finding = finding.related(Related::new(
                            &s.location,
                            format!("consumer secret `{}` ({})", s.name, describe(&s.value)),
                        ));
                    }
                    emit(finding);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_tokens_are_no_tokens() {
        for placeholder in [
            "00DXXXXXXXXXXXX!XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "00D000000000000!AQ0000000000000000000000000000000000000",
            "5Aep861XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        ] {
            assert!(is_placeholder_token(placeholder), "{placeholder}");
        }
        for token in [
            "00D5e000000AbCdEFG!AQ8AQPz1x2y3z4w5v6u7t8s9r0qStockFixture",
            "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrwHH1bhBaLo9NLrZgNAqyTLKMRA",
        ] {
            assert!(!is_placeholder_token(token), "{token}");
        }
    }
    use crate::support::testkit::*;
    use intguard_model::{Assignment, TokenCandidate};

    const ACCESS: &str = "00D5e000000XyZa!AQ0AQHx7cK2mP9vRtL3sWqE8uYbN4dF6gJ1hZkV5nC0xM2oB7iA9pD3eG8fT6rS1wQ4yU.lKjHgFdSaPoIu";
    const KEY: &str =
        "3MVG9A2kN8Bl7hPq.Xr4tYw1Zs6Vd0Fe9Gc3Hb5Jn7Km2Lp4Qo8Ri1Sj6Tk0Um3Vn9Wo5Xp7Yq2Zr4As6Bt8Cu0Dv";
    const SECRET: &str = "E4D7C1B9A3F5062847DBCA91E6F3A2B5C8D0E7F1A4B6C9D2E5F8A1B3C6D9E2F4";

    fn token(kind: TokenKind, value: &str, path: &str, line: u32) -> TokenCandidate {
        TokenCandidate {
            kind,
            value: value.into(),
            location: loc(path, line),
            host: None,
        }
    }

    /// A log of logins: its findings come in batches of [`BATCH`], the
    /// same as `check` makes at once.
    #[test]
    fn many_tokens_come_in_batches() {
        let tokens: intguard_model::ThinVec<TokenCandidate> = (1..=2_500u32)
            .map(|i| {
                let value = format!("{}{i:05}", &ACCESS[..ACCESS.len() - 5]);
                token(TokenKind::AccessToken, &value, "logs/sync.log", i)
            })
            .collect();
        let inv = Inventory {
            text_files: vec![TextFileFacts {
                path: "logs/sync.log".into(),
                tokens,
                ..Default::default()
            }],
            ..Default::default()
        };
        let batches = std::sync::Mutex::new(Vec::new());
        SalesforceToken.check_into(&inv, &|found| batches.lock().unwrap().push(found));
        let batches = batches.into_inner().unwrap();
        let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
        assert_eq!(sizes, [BATCH, BATCH, 2_500 - 2 * BATCH]);
        let shown = |fs: &[Finding]| -> Vec<String> {
            fs.iter()
                .map(|f| {
                    format!(
                        "{:?} {} {} {}",
                        f.location, f.message, f.fingerprint_key, f.fix
                    )
                })
                .collect()
        };
        assert_eq!(
            shown(&batches.concat()),
            shown(&SalesforceToken.check(&inv))
        );
    }

    #[test]
    fn the_org_host_next_to_a_token_is_where_it_is_revoked() {
        let mut t = token(TokenKind::AccessToken, ACCESS, "scripts/smoke.sh", 4);
        t.host = Some("acme--qa.sandbox.my.salesforce.com".into());
        let inv = Inventory {
            text_files: vec![TextFileFacts {
                path: "scripts/smoke.sh".into(),
                tokens: intguard_model::thin_vec![t],
                ..Default::default()
            }],
            ..Default::default()
        };
        let f = SalesforceToken.check(&inv);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message
                .ends_with("next to the org host acme--qa.sandbox.my.salesforce.com (sandbox qa)"),
            "{}",
            f[0].message
        );
        assert!(f[0]
            .fix
            .contains("POST https://acme--qa.sandbox.my.salesforce.com/services/oauth2/revoke"));
        assert_eq!(org_kind("acme.my.salesforce.com"), " (production)");
        assert_eq!(org_kind("acme--uat.my.salesforce.com"), " (sandbox uat)");
        assert_eq!(org_kind("login.salesforce.com"), "");
    }

    #[test]
    fn access_and_refresh_tokens_are_reported_masked() {
        let inv = Inventory {
            text_files: vec![TextFileFacts {
                path: "scripts/smoke.sh".into(),
                tokens: intguard_model::thin_vec![
                    token(TokenKind::AccessToken, ACCESS, "scripts/smoke.sh", 4),
                    token(TokenKind::RefreshToken, "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrhtBq4L8cDJpP.kZjg2hDlRSQnm.9A8YvDzqC4_k1mHvWsQ", "scripts/smoke.sh", 9),
                    token(TokenKind::AccessToken, ACCESS, "scripts/smoke.sh", 12),
                ],
                ..Default::default()
            }],
            ..Default::default()
        };
        let f = SalesforceToken.check(&inv);
        assert_eq!(f.len(), 3);
        assert!(f.iter().all(|f| f.severity == Severity::Critical));
        assert!(
            f[0].message.contains("access (session) token 00…("),
            "{}",
            f[0].message
        );
        assert!(f[1].message.contains("refresh token"));
        assert_ne!(
            f[0].fingerprint_key, f[2].fingerprint_key,
            "same token twice keeps distinct keys"
        );
        for x in &f {
            assert!(!x.message.contains(ACCESS) && !x.fix.contains(ACCESS));
            assert!(x.fix.contains("/services/oauth2/revoke"));
        }
    }

    /// Found by review: the same session id written once with `!` and
    /// once URL-encoded had two fingerprints.
    #[test]
    fn a_url_encoded_token_is_the_same_token() {
        let encoded = ACCESS.replacen('!', "%21", 1);
        let inv = Inventory {
            text_files: vec![TextFileFacts {
                path: "scripts/smoke.sh".into(),
                tokens: intguard_model::thin_vec![
                    token(TokenKind::AccessToken, ACCESS, "scripts/smoke.sh", 4),
                    token(TokenKind::AccessToken, &encoded, "scripts/smoke.sh", 7),
                ],
                ..Default::default()
            }],
            ..Default::default()
        };
        let f = SalesforceToken.check(&inv);
        assert_eq!(f.len(), 2);
        let shown = |m: &str| {
            m[m.find("00…(").unwrap()..]
                .split(')')
                .take(2)
                .collect::<Vec<_>>()
                .join(")")
        };
        assert_eq!(
            shown(&f[0].message),
            shown(&f[1].message),
            "{} / {}",
            f[0].message,
            f[1].message
        );
        // Two places, two keys: the second is the token's second sighting.
        assert_eq!(
            f[1].fingerprint_key,
            f[0].fingerprint_key.replace("|0", "|1")
        );
        for x in &f {
            assert!(!x.message.contains(ACCESS) && !x.message.contains(&encoded));
        }
    }

    #[test]
    fn consumer_key_alone_is_not_reported() {
        let inv = Inventory {
            text_files: vec![TextFileFacts {
                path: "README.md".into(),
                tokens: intguard_model::thin_vec![token(
                    TokenKind::ConsumerKey,
                    KEY,
                    "README.md",
                    3
                )],
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(SalesforceToken.check(&inv).is_empty());
    }

    #[test]
    fn consumer_key_with_secret_assignment_is_one_finding() {
        let inv = Inventory {
            text_files: vec![TextFileFacts {
                path: "deploy.sh".into(),
                tokens: intguard_model::thin_vec![token(
                    TokenKind::ConsumerKey,
                    KEY,
                    "deploy.sh",
                    3
                )],
                assignments: vec![
                    Assignment {
                        form: Default::default(),
                        name: "sfdc.consumerSecret".into(),
                        value: SECRET.into(),
                        secret: true,
                        location: loc("deploy.sh", 4),
                    },
                    Assignment {
                        form: Default::default(),
                        name: "other.secret".into(),
                        value: "${secure::x}".into(),
                        secret: true,
                        location: loc("deploy.sh", 5),
                    },
                ],
                ..Default::default()
            }],
            ..Default::default()
        };
        let f = SalesforceToken.check(&inv);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].related.len(), 1);
        assert_eq!(f[0].related[0].line, 4);
        let all = format!("{} {} {:?}", f[0].message, f[0].fix, f[0].related);
        assert!(!all.contains(SECRET) && !all.contains(KEY), "{all}");
        assert!(f[0].message.contains("`sfdc.consumerSecret`"));
    }

    /// In an external client app's global OAuth settings (or a connected
    /// app's metadata) the pair is named by the app kind, and the fix is
    /// Salesforce's: a new secret, the file committed without one, not a
    /// secure property of a Mule app.
    #[test]
    fn a_pair_in_oauth_app_metadata_is_fixed_in_salesforce() {
        for (path, kind, setup) in [
            (
                "sf/force-app/main/default/extlClntAppGlobalOauthSets/Billing_glbloauth.ecaGlblOauth-meta.xml",
                "external client app consumer key",
                "External Client App Manager",
            ),
            (
                "md/src/connectedApps/Billing.connectedApp",
                "connected app consumer key",
                "App Manager > the app > View > Manage Consumer Details",
            ),
        ] {
            let inv = Inventory {
                text_files: vec![TextFileFacts {
                    path: path.into(),
                    tokens: intguard_model::thin_vec![token(TokenKind::ConsumerKey, KEY, path, 4)],
                    assignments: vec![Assignment {
                        form: Default::default(),
                        name: "consumerSecret".into(),
                        value: SECRET.into(),
                        secret: true,
                        location: loc(path, 5),
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            };
            let f = SalesforceToken.check(&inv);
            assert_eq!(f.len(), 1);
            assert!(f[0].message.starts_with(kind), "{}", f[0].message);
            assert!(
                f[0].fix.contains(setup)
                    && f[0].fix.contains("delete the <consumerSecret> element")
                    && !f[0].fix.contains("secure::"),
                "{}",
                f[0].fix
            );
        }
    }

    /// A file repeating a key and its secret (generated, or garbled): each
    /// key's finding names its nearest secrets, not every other one (2,000
    /// repetitions made 4 million related locations and a 1 GB scan).
    #[test]
    fn repeated_keys_name_their_nearest_secrets_only() {
        let n: u32 = 200;
        let mut tokens = Vec::new();
        let mut assignments = Vec::new();
        for i in 0..n {
            tokens.push(token(TokenKind::ConsumerKey, KEY, "gen.sh", 10 * i + 1));
            assignments.push(Assignment {
                form: Default::default(),
                name: "SF_CLIENT_SECRET".into(),
                value: SECRET.into(),
                secret: true,
                location: loc("gen.sh", 10 * i + 2),
            });
        }
        let inv = Inventory {
            text_files: vec![TextFileFacts {
                path: "gen.sh".into(),
                tokens: tokens.into(),
                assignments,
                ..Default::default()
            }],
            ..Default::default()
        };
        let f = SalesforceToken.check(&inv);
        assert_eq!(f.len(), n as usize);
        let mid = &f[100];
        assert_eq!(mid.location.line, 1001);
        let lines: Vec<u32> = mid.related.iter().map(|r| r.line).collect();
        assert_eq!(
            lines,
            [1002, 992, 1012, 982, 1022, 972, 1032, 962, 1042, 952]
        );
        assert!(mid.message.contains("at gen.sh:1002, "), "{}", mid.message);
        assert!(mid.message.ends_with(", 197 more)"), "{}", mid.message);
        let first = &f[0];
        assert_eq!(first.related.first().map(|r| r.line), Some(2));
        assert_eq!(first.related.len(), 10);
        // Keys stay distinct findings.
        let keys: std::collections::HashSet<&str> =
            f.iter().map(|x| x.fingerprint_key.as_str()).collect();
        assert_eq!(keys.len(), n as usize);
    }

    #[test]
    fn consumer_key_with_secret_property_in_same_yaml() {
        let path = "orders/src/main/resources/properties/dev.yaml";
        let mut a = app("orders", &["dev"]);
        a.property_files.push(props(
            path,
            Some("dev"),
            false,
            &[("sfdc.consumerKey", KEY), ("sfdc.consumerSecret", SECRET)],
        ));
        let mut other = props(
            "orders/src/main/resources/properties/prod.yaml",
            Some("prod"),
            false,
            &[
                ("sfdc.consumerKey", KEY),
                ("sfdc.consumerSecret", "![abcd]"),
            ],
        );
        other.entries[0].location = loc("orders/src/main/resources/properties/prod.yaml", 1);
        a.property_files.push(other);
        let inv = Inventory {
            apps: vec![a],
            text_files: vec![
                TextFileFacts {
                    path: path.into(),
                    tokens: intguard_model::thin_vec![token(TokenKind::ConsumerKey, KEY, path, 1)],
                    ..Default::default()
                },
                TextFileFacts {
                    path: "orders/src/main/resources/properties/prod.yaml".into(),
                    tokens: intguard_model::thin_vec![token(
                        TokenKind::ConsumerKey,
                        KEY,
                        "orders/src/main/resources/properties/prod.yaml",
                        1,
                    )],
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let f = SalesforceToken.check(&inv);
        assert_eq!(f.len(), 1, "encrypted secret does not pair");
        assert_eq!(f[0].location.path, path);
        assert!(f[0].message.contains("(app orders)"));
    }
}
