//! No secret planted in the example or in the fixture below appears in any
//! output: text (with and without colour), JSON, SARIF, Markdown, stderr, or a
//! baseline file.
//!
//! The secrets are gathered from the files themselves (secret-named keys in
//! property files, shell variables and XML attributes, committed keys,
//! Salesforce tokens, PEM key bodies) and from the plaintexts and keys that
//! `examples/tools/encrypt_mule.py` encrypted the example's `![...]` values
//! with, so that a secret added to the example is checked without touching
//! this test.

use crate::support;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use support::*;

/// Where a secret came from (for failure messages), by value.
type Secrets = BTreeMap<String, String>;

// ---------------------------------------------------------------------------
// Gathering

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            if kind.is_dir() && !matches!(name.as_str(), "target" | ".git" | "node_modules") {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

/// Splits a key into lowercase words: `sfdc.consumerSecret` -> sfdc,
/// consumersecret; `SF_TOKEN` -> sf, token; `ns:keyPassword` -> keypassword.
fn words(key: &str) -> Vec<String> {
    key.rsplit(':')
        .next()
        .unwrap_or(key)
        .split(['.', '_', '-'])
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Whether a key (property, variable, attribute or element name) names a
/// secret.
fn is_secret_key(key: &str) -> bool {
    let words = words(key);
    let Some(leaf) = words.last() else {
        return false;
    };
    let prev = words.len().checked_sub(2).map(|i| words[i].as_str());
    ["password", "passwd", "secret", "passphrase"]
        .iter()
        .any(|w| leaf.contains(w))
        || leaf.ends_with("token")
        || leaf == "authorization"
        || ["consumerkey", "apikey", "privatekey", "encryptionkey"].contains(&leaf.as_str())
        || (leaf == "key"
            && prev.is_some_and(|p| {
                ["api", "encryption", "private", "secret", "access", "client"].contains(&p)
            }))
}

fn unquote(value: &str) -> &str {
    let v = value.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
        // One line of a quoted value written over several.
        if v.starts_with(q) != v.ends_with(q) {
            return v.trim_matches(q);
        }
    }
    v
}

/// A literal value worth checking (not a reference, not encrypted, not tiny).
fn literal(value: &str) -> Option<&str> {
    let v = unquote(value);
    let reference =
        v.starts_with("${") || v.starts_with("#[") || v.starts_with("![") || v.starts_with("$(");
    (!reference && v.chars().count() >= 6).then_some(v)
}

fn add(secrets: &mut Secrets, value: &str, origin: impl Into<String>) {
    secrets
        .entry(value.to_string())
        .or_insert_with(|| origin.into());
}

/// Adds secrets not known yet (the first origin found is kept).
fn merge(secrets: &mut Secrets, more: Secrets) {
    for (value, origin) in more {
        add(secrets, &value, origin);
    }
}

/// YAML `key: value` pairs, flattened with dots by indentation; each line
/// of a value written over several is a pair of its own.
fn yaml_pairs(text: &str) -> Vec<(String, String)> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut last_indent = usize::MAX;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('-') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let Some((key, value)) = trimmed.split_once(':') else {
            if indent > last_indent {
                if let Some((key, _)) = out.last().cloned() {
                    out.push((key, trimmed.to_string()));
                }
            }
            continue;
        };
        last_indent = indent;
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let key = unquote(key).to_string();
        let full = stack
            .iter()
            .map(|(_, k)| k.as_str())
            .chain([key.as_str()])
            .collect::<Vec<_>>()
            .join(".");
        let value = value.trim();
        if value.is_empty() {
            stack.push((indent, key));
        } else {
            out.push((full, value.to_string()));
        }
    }
    out
}

/// `.properties` and shell/env `NAME=value` pairs (also `export NAME=value`).
fn assignment_pairs(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line);
            if line.starts_with('#') || line.starts_with('!') {
                return None;
            }
            let at = line.find(['=', ':'])?;
            let (key, value) = (&line[..at], &line[at + 1..]);
            let key = key.trim();
            (!key.is_empty() && !key.contains(' '))
                .then(|| (key.to_string(), value.trim().to_string()))
        })
        .collect()
}

/// `name="value"` attributes of an XML line.
fn xml_attributes(line: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(eq) = rest.find("=\"") {
        let name_start = rest[..eq]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || ":_.-".contains(c)))
            .map_or(0, |i| i + 1);
        let name = &rest[name_start..eq];
        let after = &rest[eq + 2..];
        let Some(end) = after.find('"') else {
            break;
        };
        out.push((name, &after[..end]));
        rest = &after[end + 1..];
    }
    out
}

/// The value of a header or query parameter written as `key="..."` (Mule 3:
/// `headerName`, `paramName`) and `value="..."` on one line, when the key
/// names a secret; for `Authorization` also the credential after the scheme.
fn xml_key_values(line: &str) -> Vec<(String, String)> {
    let attributes = xml_attributes(line);
    let key = attributes
        .iter()
        .find(|(a, _)| matches!(*a, "key" | "headerName" | "paramName"))
        .map(|(_, v)| *v);
    let value = attributes
        .iter()
        .find(|(a, _)| *a == "value")
        .map(|(_, v)| *v);
    match (key, value) {
        (Some(k), Some(v)) if is_secret_key(k) => with_credential(k, v),
        _ => Vec::new(),
    }
}

/// `"name": "value"` / `name: 'value'` entries of a DataWeave map on one
/// line, when the name names a secret (and the credential after an
/// `Authorization` scheme).
fn dataweave_pairs(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, _) in line.match_indices(':') {
        let before = line[..i].trim_end();
        let name = before
            .trim_end_matches(['"', '\''])
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || "_-".contains(c)))
            .next()
            .unwrap_or("");
        let after = line[i + 1..].trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let Some(end) = after[1..].find(q) else {
            continue;
        };
        // A constant, not the start of a concatenation (`"Bearer " ++ vars.t`).
        let rest = after[1 + end + 1..].trim_start();
        let whole = rest.is_empty() || rest.starts_with([',', '}']);
        if whole && !name.is_empty() && is_secret_key(name) {
            out.extend(with_credential(name, &after[1..1 + end]));
        }
    }
    out
}

/// `name=value` pairs of form-encoded strings on one line (request bodies:
/// `"grant_type=password&username=...&password=..."`, `&amp;` in XML), when
/// the name names a secret.
fn form_pairs(line: &str) -> Vec<(String, String)> {
    let line = line.replace("&amp;", "&");
    let mut out = Vec::new();
    for (i, _) in line.match_indices('=') {
        let name = line[..i]
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || "_-.".contains(c)))
            .next()
            .unwrap_or("");
        // A form pair starts a string or follows `&` / `?`.
        let before = line[..i - name.len()].chars().next_back();
        if name.is_empty() || !matches!(before, Some('&' | '?' | '"' | '\'')) {
            continue;
        }
        let value: String = line[i + 1..]
            .chars()
            .take_while(|c| !matches!(c, '&' | '"' | '\'' | '<' | ']') && !c.is_whitespace())
            .collect();
        if is_secret_key(name) && !value.is_empty() {
            out.push((name.to_string(), value));
        }
    }
    out
}

/// `--name value` and `--name=value` options of a command line, values
/// unquoted.
fn option_pairs(line: &str) -> Vec<(String, String)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let Some(option) = w.strip_prefix("--") else {
            continue;
        };
        let (name, value) = match option.split_once('=') {
            Some((n, v)) => (n, v),
            None => (option, words.get(i + 1).copied().unwrap_or("")),
        };
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        if !value.is_empty() {
            out.push((name.to_string(), value.to_string()));
        }
    }
    out
}

/// `(name, value)`, and `(name, credential)` for `Authorization: Basic ...`.
fn with_credential(name: &str, value: &str) -> Vec<(String, String)> {
    if !name.eq_ignore_ascii_case("authorization") {
        return vec![(name.to_string(), value.to_string())];
    }
    match value.trim().split_once(' ') {
        Some((_, credential)) if !credential.trim().is_empty() => vec![
            (name.to_string(), value.to_string()),
            (format!("{name} credential"), credential.trim().to_string()),
        ],
        // A scheme alone is no secret.
        Some(_) => Vec::new(),
        None => vec![(name.to_string(), value.to_string())],
    }
}

/// `<name>value</name>` on one line (pom properties).
fn xml_elements(line: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            break;
        };
        let name = &after[..close];
        let body = &after[close + 1..];
        if !name.is_empty() && !name.contains([' ', '/', '!', '?']) {
            if let Some(end) = body.find(&format!("</{name}>")) {
                out.push((name, &body[..end]));
            }
        }
        rest = after;
    }
    out
}

/// Salesforce session/access tokens: `00D` + 12 or 15 characters, `!`, body.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let body_char = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'_';
    let mut from = 0;
    while let Some(i) = text[from..].find("00D").map(|i| i + from) {
        from = i + 3;
        for org_len in [15, 18] {
            let bang = i + org_len;
            if bang < bytes.len()
                && bytes[bang] == b'!'
                && bytes[i..bang].iter().all(u8::is_ascii_alphanumeric)
            {
                let end = (bang + 1..bytes.len())
                    .find(|&j| !body_char(bytes[j]))
                    .unwrap_or(bytes.len());
                if end - bang > 20 {
                    out.push(&text[i..end]);
                }
            }
        }
    }
    out
}

/// The body lines of PEM and OpenPGP private keys, also of a key written on
/// one line with `\n` escapes (`pgp.armor=-----BEGIN ...\nlQOY...`).
fn pem_private_key_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines().flat_map(|l| l.split("\\n")).map(str::trim) {
        // A label opening a line, or ending a value's first piece
        // (`pgp.armor=-----BEGIN PGP PRIVATE KEY BLOCK-----\n...`).
        let label = line.starts_with("-----BEGIN")
            || (line.contains("-----BEGIN") && line.ends_with("-----"));
        if label && line.contains("PRIVATE KEY") {
            inside = true;
        } else if line.starts_with("-----END") {
            inside = false;
        } else if inside && line.len() >= 16 && !line.contains(':') {
            out.push(line);
        }
    }
    out
}

/// A PuTTY key file's private lines and MAC (`Private-Lines: 2`, then the
/// lines; `Private-MAC: ...`).
fn putty_private_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    if !text.starts_with("PuTTY-User-Key-File-") {
        return out;
    }
    let mut private = 0;
    for line in text.lines().map(str::trim) {
        if let Some(n) = line.strip_prefix("Private-Lines: ") {
            private = n.parse().unwrap_or(0);
        } else if let Some(mac) = line.strip_prefix("Private-MAC: ") {
            out.push(mac);
        } else if private > 0 {
            out.push(line);
            private -= 1;
        }
    }
    out
}

/// Every secret written in the files under `root`.
fn secrets_in_files(root: &Path) -> Secrets {
    let mut secrets = Secrets::new();
    for path in files_under(root) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let name = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_ascii_lowercase();
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e).to_string();
        let pairs = match ext.as_str() {
            "yaml" | "yml" => yaml_pairs(&text),
            "properties" | "env" | "sh" | "bash" | "conf" | "config" => assignment_pairs(&text),
            _ if name.starts_with(".env") => assignment_pairs(&text),
            _ => Vec::new(),
        };
        for (key, value) in pairs {
            if let Some(v) = literal(&value).filter(|_| is_secret_key(&key)) {
                add(&mut secrets, v, format!("{shown}: {key}"));
            }
        }
        if ext == "sh" {
            for line in text.lines() {
                for (key, value) in option_pairs(line).into_iter().chain(form_pairs(line)) {
                    if let Some(v) = literal(&value).filter(|_| is_secret_key(&key)) {
                        add(&mut secrets, v, format!("{shown}: {key} (command)"));
                    }
                }
            }
        }
        if ext == "xml" {
            for line in text.lines() {
                let secure_config = line.contains("secure-propert");
                let attributes = xml_attributes(line);
                for (attr, value) in &attributes {
                    let secret = is_secret_key(attr) || (secure_config && *attr == "key");
                    if let Some(v) = literal(value).filter(|_| secret) {
                        add(&mut secrets, v, format!("{shown}: {attr}=\"...\""));
                    }
                }
                // <global-property name="encryption.key" value="..."/>
                let named = attributes
                    .iter()
                    .find(|(a, _)| *a == "name")
                    .map(|(_, v)| *v);
                let value = attributes
                    .iter()
                    .find(|(a, _)| *a == "value")
                    .map(|(_, v)| *v);
                if let (Some(n), Some(v)) = (named, value.and_then(literal)) {
                    if is_secret_key(n) {
                        add(&mut secrets, v, format!("{shown}: {n}"));
                    }
                }
                for (key, value) in xml_key_values(line)
                    .into_iter()
                    .chain(dataweave_pairs(line))
                    .chain(form_pairs(line))
                {
                    if let Some(v) = literal(&value) {
                        add(&mut secrets, v, format!("{shown}: {key} (HTTP)"));
                    }
                }
                for (element, value) in xml_elements(line) {
                    if let Some(v) = literal(value).filter(|_| is_secret_key(element)) {
                        add(&mut secrets, v, format!("{shown}: <{element}>"));
                    }
                }
            }
        }
        for token in tokens(&text) {
            add(&mut secrets, token, format!("{shown}: Salesforce token"));
            let body = &token[token.find('!').unwrap() + 1..];
            add(
                &mut secrets,
                body,
                format!("{shown}: Salesforce token body"),
            );
        }
        for line in pem_private_key_lines(&text) {
            add(&mut secrets, line, format!("{shown}: private key"));
        }
        for line in putty_private_lines(&text) {
            add(&mut secrets, line, format!("{shown}: PuTTY private key"));
        }
    }
    secrets
}

/// The keys and plaintexts `encrypt_mule.py` made the example's `![...]`
/// values with (its `*_KEY` constants and `"property": "plaintext"` rows;
/// `%s` rows are per environment).
fn encrypt_mule_py() -> (Secrets, Secrets) {
    let path = workspace().join("examples/tools/encrypt_mule.py");
    let source = std::fs::read_to_string(&path).unwrap();
    let (mut keys, mut plaintexts) = (Secrets::new(), Secrets::new());
    for line in source.lines() {
        let t = line.trim();
        if let Some((name, value)) = t.split_once(" = \"") {
            if name.ends_with("_KEY") && name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                let value = &value[..value.find('"').unwrap()];
                add(&mut keys, value, format!("encrypt_mule.py {name}"));
            }
            continue;
        }
        let Some(rest) = t.strip_prefix('"') else {
            continue;
        };
        let Some((prop, value)) = rest.split_once("\": \"") else {
            continue;
        };
        let Some(end) = value.find('"') else {
            continue;
        };
        let (value, tail) = (&value[..end], &value[end + 1..]);
        if tail.trim_start().starts_with("% env") {
            for env in ["dev", "qa", "prod"] {
                add(
                    &mut plaintexts,
                    &value.replace("%s", env),
                    format!("encrypt_mule.py {prop} ({env})"),
                );
            }
        } else {
            add(&mut plaintexts, value, format!("encrypt_mule.py {prop}"));
        }
    }
    (keys, plaintexts)
}

// ---------------------------------------------------------------------------
// The fixture: one more app with every kind of secret, and loose files.

const FX_KEY: &str = "FxK3yForT3sts!16";
/// `python3 examples/tools/encrypt_mule.py encrypt AES CBC FxK3yForT3sts!16 <plaintext>`.
const FX_ENCRYPTED: [(&str, &str); 2] = [
    (
        "FxDecrypted#Pw-9931",
        "R3qlWl9asO3+QZep2MULHYK3OlpThU8FsEcnlF7sHyk=",
    ),
    (
        "FxDecryptedTok3nZq8Lw2Mn5Rt7",
        "OprPLbEMkSM0mpPdWWYkbqCpSjog2wpU9oCXCAu5lMg=",
    ),
];
/// Secrets written in clear in the fixture.
const FX_PLAIN: [&str; 30] = [
    FX_KEY,
    "FxXmlPassw0rd!",
    "FxTok3nQwErTy12345",
    "FxKeyPassLiteral55",
    "FxStorePassLiteral66",
    "FxBasicAuthPw-4410",
    "FxYamlPassword#2231",
    "FxClientSecretValue9876",
    "FxPropsPassw0rd!77",
    "00DFx0000000AbCdEF!AQ0AQFxFixtureTokenBodyOnly1234567890abcdefghijklmnop.qrstuv",
    "FxConsumerSecret0123456789ABCDEF",
    // Credentials HTTP requests send (IG102), over TLS and over plain HTTP
    // (IG109 names them).
    "Basic RnhQYXJ0bmVyOkZ4RGVmYXVsdEhkclB3LTMzMDE=",
    "RnhQYXJ0bmVyOkZ4RGVmYXVsdEhkclB3LTMzMDE=",
    "FxDefaultQueryKey-5190",
    "FxDwBearerT0ken-77120",
    "FxDwApiKey-41852",
    "FxDwClientSecret-66013",
    "FxInlineHeaderTok-28841",
    // Credentials sent in request bodies (IG102): a DataWeave object, a
    // form-encoded string, the JSON payload set before a request.
    "FxBodyClientSecret-40917",
    "FxBodyFormPassw0rd-51123",
    "FxPayloadPassw0rd-62245",
    "FxPayloadApiKey-73361",
    "FxPayloadRefreshTok-84402",
    // Passed to commands in a script (IG102): options and a form field.
    "FxCliClientSecret-90210",
    "FxCliPassw0rd-4242",
    "FxCurlFormPassw0rd-31337",
    // A Mule 3 app: Salesforce connector 8.x/9.x configs, a property
    // placeholder bean's files, its mule-app.properties.
    "FxM3CachedPassw0rd-2207",
    "FxM3JwtStorePw-5521",
    "FxM3DevToken-88231",
    "FxM3ConsumerSecret-6612",
];
/// The two lines of a YAML value written over both, whose name says nothing
/// (a password attribute reads it): not for the extractor, which goes by
/// names.
const FX_FOLDED: [&str; 2] = ["FxFoldedFirst-7781", "FxFoldedSecond-7782"];

/// A PEM body: deterministic, random-looking base64 lines.
fn pem_body() -> Vec<String> {
    base64_lines(0x9e37_79b9_7f4a_7c15, 12)
}

/// The body of the fixture's OpenPGP key.
fn pgp_body() -> Vec<String> {
    base64_lines(0x2545_f491_4f6c_dd1d, 6)
}

/// The private lines of the fixture's PuTTY key.
fn putty_body() -> Vec<String> {
    base64_lines(0x6a09_e667_f3bc_c909, 2)
}

/// `n` deterministic, random-looking base64 lines of 64 characters.
fn base64_lines(seed: u64, n: usize) -> Vec<String> {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u64 = seed;
    (0..n)
        .map(|_| {
            (0..64)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    B64[(state >> 58) as usize] as char
                })
                .collect()
        })
        .collect()
}

fn fixture(root: &Path) {
    let app = mule4_app(root, "fixture-api", &["sfdc.token"]);
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <global-property name="mule.env" value="dev"/>
  <global-property name="encryption.key" value="{FX_KEY}"/>
  <configuration-properties file="properties/${{mule.env}}.yaml"/>
  <secure-properties:config name="Secure_Props" file="properties/${{mule.env}}-secure.yaml" key="${{encryption.key}}">
    <secure-properties:encrypt algorithm="AES" mode="CBC"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:basic-connection username="fx.user@acme.example" password="FxXmlPassw0rd!" securityToken="FxTok3nQwErTy12345"/>
  </salesforce:sfdc-config>
  <salesforce:sfdc-config name="Salesforce_Yaml">
    <salesforce:basic-connection username="fx.other@acme.example" password="${{sfdc.password}}" securityToken="${{secure::sfdc.token}}"/>
  </salesforce:sfdc-config>
  <tls:context name="Fx_TLS">
    <tls:key-store type="pkcs12" path="keys/fx.p12" keyPassword="FxKeyPassLiteral55" password="FxStorePassLiteral66"/>
  </tls:context>
  <http:request-config name="Fx_Request">
    <http:request-connection protocol="HTTP" host="auth.acme.example" port="80">
      <http:authentication>
        <http:basic-authentication username="fx-client" password="FxBasicAuthPw-4410"/>
      </http:authentication>
    </http:request-connection>
  </http:request-config>
  <http:request-config name="Fx_Folded">
    <http:request-connection protocol="HTTPS" host="folded.acme.example" port="443">
      <http:authentication>
        <http:basic-authentication username="fx-folded" password="${{partner.login}}"/>
      </http:authentication>
    </http:request-connection>
  </http:request-config>
  <http:request-config name="Fx_Partner">
    <http:request-connection protocol="HTTPS" host="partner.acme.example" port="443"/>
    <http:default-headers>
      <http:default-header key="Authorization" value="Basic RnhQYXJ0bmVyOkZ4RGVmYXVsdEhkclB3LTMzMDE="/>
    </http:default-headers>
    <http:default-query-params>
      <http:query-param key="apikey" value="FxDefaultQueryKey-5190"/>
    </http:default-query-params>
  </http:request-config>
  <flow name="fx-partner-flow">
    <http:request method="GET" config-ref="Fx_Partner" path="/orders">
      <http:headers><![CDATA[#[output application/java
---
{{
  "Authorization": "Bearer FxDwBearerT0ken-77120",
  "x-api-key": 'FxDwApiKey-41852'
}}]]]></http:headers>
      <http:query-params>#[{{ client_secret: 'FxDwClientSecret-66013' }}]</http:query-params>
    </http:request>
    <http:request method="GET" config-ref="Fx_Request" path="/legacy">
      <http:headers>
        <http:header key="X-Auth-Token" value="FxInlineHeaderTok-28841"/>
      </http:headers>
    </http:request>
  </flow>
  <flow name="fx-partner-body-flow">
    <http:request method="POST" config-ref="Fx_Partner" path="/oauth/token">
      <http:body><![CDATA[#[output application/x-www-form-urlencoded --- {{ grant_type: "client_credentials", client_id: "fx-partner", client_secret: "FxBodyClientSecret-40917" }}]]]></http:body>
    </http:request>
    <http:request method="POST" config-ref="Fx_Partner" path="/oauth/token">
      <http:body>#["grant_type=password&amp;username=fx.partner&amp;password=FxBodyFormPassw0rd-51123"]</http:body>
    </http:request>
    <ee:transform>
      <ee:message>
        <ee:set-payload><![CDATA[%dw 2.0
output application/json
---
{{
  "password": "FxPayloadPassw0rd-62245",
  apiKey: 'FxPayloadApiKey-73361',
  refresh_token: "FxPayloadRefreshTok-84402"
}}]]></ee:set-payload>
      </ee:message>
    </ee:transform>
    <http:request method="POST" config-ref="Fx_Partner" path="/login"/>
  </flow>
</mule>
"#
        ),
    );
    write(
        &app,
        "src/main/resources/properties/dev.yaml",
        // A value written over two lines, whose name says nothing (a
        // password attribute reads it): a snippet shows one of its lines.
        "sfdc:\n  password: \"FxYamlPassword#2231\"\nclient:\n  secret: FxClientSecretValue9876\npartner:\n  login: 'FxFoldedFirst-7781\n    FxFoldedSecond-7782'\n",
    );
    write(
        &app,
        "src/main/resources/properties/dev-secure.yaml",
        format!(
            "sfdc:\n  token: \"![{}]\"\nerp:\n  api:\n    key: \"![{}]\"\n",
            FX_ENCRYPTED[0].1, FX_ENCRYPTED[1].1
        ),
    );
    write(
        &app,
        "src/main/resources/legacy.properties",
        "db.user=fx\ndb.password=FxPropsPassw0rd!77\n",
    );
    let mut pem = String::from("-----BEGIN RSA PRIVATE KEY-----\n");
    for line in pem_body() {
        pem.push_str(&line);
        pem.push('\n');
    }
    pem.push_str("-----END RSA PRIVATE KEY-----\n");
    write(&app, "src/main/resources/keys/fx.key", pem);
    // An OpenPGP key on one line, its armor headers first, under a name that
    // says nothing: the snippet shows that line.
    write(
        &app,
        "src/main/resources/pgp.properties",
        format!(
            "pgp.armor=-----BEGIN PGP PRIVATE KEY BLOCK-----\\nVersion: BCPG v1.58\\n\\n{}\\n=Fx12\\n-----END PGP PRIVATE KEY BLOCK-----\n",
            pgp_body().join("\\n")
        ),
    );
    // A PuTTY key in clear.
    write(
        &app,
        "src/main/resources/keys/fx-sftp.ppk",
        format!(
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: fx-sftp\nPublic-Lines: 1\nAAAAC3NzaC1lZDI1NTE5AAAAIFx1\nPrivate-Lines: 2\n{}\nPrivate-MAC: {}\n",
            putty_body().join("\n"),
            "5f".repeat(32)
        ),
    );
    write(
        root,
        "ops/.env",
        "SF_ACCESS_TOKEN=00DFx0000000AbCdEF!AQ0AQFxFixtureTokenBodyOnly1234567890abcdefghijklmnop.qrstuv\n\
         SF_CLIENT_ID=3MVG9FxFixtureConsumerKeyOnlyForTests\n\
         SF_CLIENT_SECRET=FxConsumerSecret0123456789ABCDEF\n",
    );
    // A Mule 3 app (Studio project, no pom).
    let m3 = root.join("fixture-m3");
    write(
        &m3,
        "mule-project.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mule-project xmlns=\"http://www.mulesoft.com/tooling/project\" runtimeId=\"org.mule.tooling.server.3.9.1.ee\" schemaVersion=\"4.0\">\n  <name>fixture-m3</name>\n</mule-project>\n",
    );
    write(
        &m3,
        "src/main/app/global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:sfdc="http://www.mulesoft.org/schema/mule/sfdc"
      xmlns:spring="http://www.springframework.org/schema/beans">
  <spring:beans>
    <spring:bean id="placeholders" class="org.springframework.beans.factory.config.PropertyPlaceholderConfigurer">
      <spring:property name="locations">
        <spring:list><spring:value>classpath:m3.${mule.env}.properties</spring:value></spring:list>
      </spring:property>
    </spring:bean>
  </spring:beans>
  <sfdc:cached-basic-config name="Fx_M3" username="fx.m3@acme.example" password="FxM3CachedPassw0rd-2207" securityToken="${sf.token}"/>
  <sfdc:cached-config-oauth-jwt-bearer name="Fx_M3_JWT" consumerKey="${sf.consumerKey}" keyStore="keys/m3.p12"
      storePassword="FxM3JwtStorePw-5521" principal="fx.m3.jwt@acme.example" consumerSecret="${sf.consumerSecret}"/>
  <flow name="fx-m3"><sfdc:query config-ref="Fx_M3" query="SELECT Id FROM Account WHERE Id = '#[message.inboundProperties.'http.uri.params'.id]'"/></flow>
</mule>
"#,
    );
    write(
        &m3,
        "src/main/resources/m3.dev.properties",
        "sf.token=FxM3DevToken-88231\n",
    );
    write(
        &m3,
        "src/main/app/mule-app.properties",
        "mule.env=dev\nsf.consumerSecret=FxM3ConsumerSecret-6612\n",
    );
    // Secrets passed to commands: long options and a form-encoded login.
    write(
        root,
        "ci/deploy.sh",
        "anypoint-cli-v4 runtime-mgr application deploy --client_secret FxCliClientSecret-90210 fixture-api\n\
         anypoint-cli-v4 exchange asset upload --password='FxCliPassw0rd-4242' fixture-api/1.0.0\n\
         curl -d \"grant_type=password&client_id=fx&password=FxCurlFormPassw0rd-31337\" https://login.salesforce.com/services/oauth2/token\n",
    );
    // A finding an inline comment hides, the secret in the comment's reason
    // too: SARIF's `--sarif-suppressions` lists it with that reason.
    write(
        root,
        "ci/replay.sh",
        "# intguard-ignore IG102: the old FxHiddenScriptPw-9931 is revoked\n\
         export SFDC_PASSWORD=FxHiddenScriptPw-9931\n",
    );
}

// ---------------------------------------------------------------------------
// Checking

/// The forms a secret could take in an output: as is, JSON-escaped,
/// Markdown-escaped (the Markdown report backslash-escapes punctuation) and
/// HTML-escaped.
fn forms(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).unwrap();
    let json = json[1..json.len() - 1].to_string();
    let markdown: String = secret
        .chars()
        .flat_map(|c| {
            let escape = "\\`*_[]<>|~&#!$".contains(c);
            escape.then_some('\\').into_iter().chain([c])
        })
        .collect();
    let html = secret
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let mut forms = vec![secret.to_string(), json, markdown, html];
    forms.dedup();
    forms
}

/// Fails on the first secret found in `output`, naming where it came from
/// and where it leaked. Long secrets are also checked by 16-character pieces,
/// so a secret cut or wrapped by a reporter is caught as well.
fn assert_no_secret(what: &str, output: &str, secrets: &Secrets) {
    for (secret, origin) in secrets {
        for form in forms(secret) {
            if let Some(at) = output.find(&form) {
                let from = output[..at].rfind('\n').map_or(0, |i| i + 1);
                let to = output[at..].find('\n').map_or(output.len(), |i| at + i);
                panic!(
                    "{what} prints the secret {origin} ({} characters):\n{}",
                    secret.chars().count(),
                    &output[from..to]
                );
            }
        }
    }
    let mut pieces: HashMap<&[u8], &str> = HashMap::new();
    for (secret, origin) in secrets {
        if secret.len() >= 24 && !secret.contains(' ') {
            for piece in secret.as_bytes().windows(16) {
                pieces.insert(piece, origin);
            }
        }
    }
    for window in output.as_bytes().windows(16) {
        if let Some(origin) = pieces.get(window) {
            panic!(
                "{what} prints 16 characters of the secret {origin}: {}",
                String::from_utf8_lossy(window)
            );
        }
    }
}

#[test]
fn no_secret_appears_in_any_output() {
    let tmp = tempfile::tempdir().unwrap();
    let fx_root = tmp.path().join("fixture");
    fixture(&fx_root);

    // Gather.
    let mut secrets = secrets_in_files(&example());
    let (keys, plaintexts) = encrypt_mule_py();
    for (key, origin) in &keys {
        assert!(
            secrets.contains_key(key),
            "{origin} is committed in the example but was not found in its files: {secrets:#?}"
        );
    }
    assert!(keys.len() >= 3, "{keys:?}");
    assert!(plaintexts.len() >= 40, "{plaintexts:?}");
    merge(&mut secrets, plaintexts);
    let example_count = secrets.len();

    let fx = secrets_in_files(&fx_root);
    for s in FX_PLAIN {
        assert!(fx.contains_key(s), "the extractor misses {s}: {fx:#?}");
    }
    for line in pem_body() {
        assert!(fx.contains_key(&line), "the extractor misses the PEM body");
    }
    for line in pgp_body() {
        assert!(fx.contains_key(&line), "the extractor misses the PGP body");
    }
    for line in putty_body() {
        assert!(fx.contains_key(&line), "the extractor misses the PuTTY key");
    }
    merge(&mut secrets, fx);
    for piece in FX_FOLDED {
        add(&mut secrets, piece, "fixture value over two lines");
    }
    for (plain, _) in FX_ENCRYPTED {
        add(&mut secrets, plain, "fixture ![...] plaintext");
    }

    // Specific ones EXPECTED.md lists as planted: tokens in a README and a
    // script, a PEM key body, passwords and tokens in clear, committed keys.
    for (file, value_starts) in [
        ("customers-papi/README.md", "00D"),
        ("customers-papi/scripts/smoke-test.sh", "00D"),
        ("customers-papi/src/main/resources/keys/server.key", ""),
        ("orders-sapi/src/main/resources/properties/prod.yaml", ""),
        ("legacy-sync/src/main/resources/mule.prod.properties", ""),
        ("customers-papi/pom.xml", ""),
        ("legacy-sync/src/main/app/global.xml", ""),
        ("orders-sapi/src/main/mule/global.xml", ""),
    ] {
        assert!(
            secrets
                .iter()
                .any(|(v, o)| o.starts_with(&format!("{file}:")) && v.starts_with(value_starts)),
            "no secret from {file}: {secrets:#?}"
        );
    }
    assert!(
        example_count >= 80,
        "only {example_count} secrets found in the example: {secrets:#?}"
    );
    eprintln!(
        "checking {} secrets ({example_count} from the example)",
        secrets.len()
    );

    // Scan the example and the fixture in every format.
    let baseline = tmp.path().join("baseline.json");
    let scans: Vec<(String, Vec<String>)> = vec![
        (
            "text".into(),
            vec![
                "--format".into(),
                "text".into(),
                "--color".into(),
                "never".into(),
            ],
        ),
        (
            "coloured text".into(),
            vec!["--color".into(), "always".into()],
        ),
        ("json".into(), vec!["--format".into(), "json".into()]),
        ("sarif".into(), vec!["--format".into(), "sarif".into()]),
        (
            "markdown".into(),
            vec!["--format".into(), "markdown".into()],
        ),
        ("html".into(), vec!["--format".into(), "html".into()]),
        (
            "json with --write-baseline".into(),
            vec![
                "--format".into(),
                "json".into(),
                "--write-baseline".into(),
                baseline.display().to_string(),
            ],
        ),
        // Every finding then hidden, by the comments or by the baseline
        // just written, and listed.
        (
            "sarif with --sarif-suppressions and the baseline".into(),
            vec![
                "--format".into(),
                "sarif".into(),
                "--sarif-suppressions".into(),
                "--baseline".into(),
                baseline.display().to_string(),
            ],
        ),
    ];
    let mut rules_seen = Vec::new();
    let mut keys_seen = Vec::new();
    let mut http_credentials_seen = Vec::new();
    for (what, args) in scans {
        let run = run_cmd(
            intguard()
                .arg("scan")
                .arg(example())
                .arg(&fx_root)
                .args(&args)
                .env("RUST_LOG", "trace"),
        );
        run.expect_no_panic();
        assert!(run.code == 0 || run.code == 1, "{what}: {}", run.stderr);
        if !what.contains("baseline") {
            assert!(run.stdout.len() > 1000, "{what}: a real report");
        }
        assert_no_secret(&format!("{what} (stdout)"), &run.stdout, &secrets);
        assert_no_secret(&format!("{what} (stderr)"), &run.stderr, &secrets);
        if what == "coloured text" {
            assert!(has_ansi(&run.stdout));
        }
        if what.starts_with("sarif with --sarif-suppressions") {
            // The comment's finding is listed, its reason masked.
            let log = run.json();
            let reasons: Vec<&str> = log["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|r| r["suppressions"].as_array().into_iter().flatten())
                .filter(|s| s["kind"] == "inSource")
                .filter_map(|s| s["justification"].as_str())
                .collect();
            assert!(
                reasons
                    .iter()
                    .any(|r| r.starts_with("the old ") && r.ends_with(" is revoked")),
                "{reasons:?}"
            );
        }
        if what == "json" {
            let report = run.json();
            rules_seen = rules_of(&report);
            keys_seen = findings(&report)
                .iter()
                .filter(|f| f["rule"] == "IG105")
                .map(|f| f["path"].as_str().unwrap().to_string())
                .collect::<Vec<_>>();
            http_credentials_seen = findings(&report)
                .iter()
                .filter(|f| {
                    f["path"]
                        .as_str()
                        .unwrap()
                        .ends_with("fixture-api/src/main/mule/global.xml")
                })
                .map(|f| {
                    (
                        f["rule"].as_str().unwrap().to_string(),
                        f["severity"].as_str().unwrap().to_string(),
                        f["message"].as_str().unwrap().to_string(),
                    )
                })
                .collect::<Vec<_>>();
        }
    }
    let written = std::fs::read_to_string(&baseline).unwrap();
    assert_no_secret("the baseline file", &written, &secrets);

    // The scan did see the secrets: they were reported, just not printed.
    for rule in ["IG102", "IG103", "IG104", "IG105", "IG106"] {
        assert!(
            rules_seen.iter().any(|r| r == rule),
            "{rule} reported: {rules_seen:?}"
        );
    }
    // The keys whose lines the scan could have shown were reported.
    for key in ["pgp.properties", "fx-sftp.ppk", "fx.key"] {
        assert!(
            keys_seen.iter().any(|p| p.ends_with(key)),
            "{key}: {keys_seen:#?}"
        );
    }
    // Each credential the fixture's HTTP requests send is one IG102 finding
    // (the scan keeps the requests that send them), and the plain-HTTP
    // config sending one is a high IG109 naming it.
    for sent in [
        "sends the default header `Authorization` with a Basic credential",
        "sends the default query parameter `apikey`",
        "sends the header `Authorization` with a Bearer credential",
        "sends the header `x-api-key`",
        "sends the query parameter `client_secret`",
        "sends the header `X-Auth-Token`",
        // Body fields, of requests to a host that is not Salesforce's.
        "sends the body field `client_secret`",
        "sends the body field `password` with",
        "sends the body field `password` (in the payload <ee:set-payload> sets before the request)",
        "sends the body field `apiKey`",
        "sends the body field `refresh_token`",
    ] {
        let n = http_credentials_seen
            .iter()
            .filter(|(rule, _, m)| rule == "IG102" && m.contains(sent))
            .count();
        assert_eq!(n, 1, "{sent}: {http_credentials_seen:#?}");
    }
    assert!(
        http_credentials_seen
            .iter()
            .any(|(rule, severity, m)| rule == "IG109"
                && severity == "high"
                && m.contains("`Fx_Request` uses plain HTTP")
                && m.contains("header `X-Auth-Token`")),
        "{http_credentials_seen:#?}"
    );
}

/// A secret that only shows up in an odd place: a value of a secret-named
/// key on a line that also holds other text, and a secret repeated in
/// messages about another file.
#[test]
fn secrets_reused_across_files_are_masked_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "reuse-api", &[]);
    let secret = "Reused#Secret-55713";
    write(
        &app,
        "src/main/resources/dev.properties",
        format!("sfdc.username=reuse@acme.example\nsfdc.password={secret}\n"),
    );
    write(
        &app,
        "src/main/resources/prod.properties",
        format!("sfdc.username=reuse@acme.example\nsfdc.password={secret}\n"),
    );
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <configuration-properties file="${{env}}.properties"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${{sfdc.username}}" password="${{sfdc.password}}"/>
  </salesforce:sfdc-config>
  <logger message="connecting with {secret}"/>
</mule>
"#
        ),
    );
    write(
        &app,
        "README.md",
        format!("Password for the sandbox: password={secret}\n"),
    );
    let mut secrets = Secrets::new();
    add(&mut secrets, secret, "reused password");
    for format in ["text", "json", "sarif", "markdown", "html"] {
        let run = run_cmd(intguard().arg("scan").arg(&app).args(["--format", format]));
        run.expect_no_panic().expect_code(1);
        assert_no_secret(format, &run.stdout, &secrets);
        assert_no_secret(format, &run.stderr, &secrets);
    }
}

/// A YAML list of values is one property, its items joined with commas (as
/// Mule reads it): a secret list is reported at its key, and each item is
/// masked wherever it appears, written apart as the items are.
#[test]
fn secrets_in_a_yaml_list_are_masked_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "list-api", &[]);
    let (old, new) = ("Old-L1st-Secret-81", "New-L1st-Secret-82");
    write(
        &app,
        "src/main/resources/dev.yaml",
        format!(
            "sfdc:\n  username: \"list@acme.example\"\n  passwords:\n    - \"{old}\"\n    - \"{new}\"\n  hosts: [a.acme.example, b.acme.example]\n"
        ),
    );
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <configuration-properties file="${{env}}.yaml"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${{sfdc.username}}" password="${{sfdc.passwords}}"/>
  </salesforce:sfdc-config>
</mule>
"#
        ),
    );
    // A secret list that is an alias of a list under another name: the
    // items are written where the anchored list is.
    let (first, second) = ("Al1as-L1st-Secret-1", "Al1as-L1st-Secret-2");
    write(
        &app,
        "src/main/resources/prod.yaml",
        format!(
            "defaults: &d [\"{first}\", \"{second}\"]\nsfdc:\n  username: \"list@acme.example\"\n  passwords: *d\n"
        ),
    );
    // Another finding's line that names the items: only the list's own
    // items tell the output to mask them there.
    write(
        &app,
        "scripts/deploy.sh",
        format!("export SF_PASSWORD=\"Sh3ll-Secret-99x\" # rotated from {old} to {new}\n"),
    );
    let mut secrets = Secrets::new();
    add(&mut secrets, old, "list item");
    add(&mut secrets, first, "aliased list item");
    add(&mut secrets, second, "aliased list item");
    add(&mut secrets, new, "list item");
    for format in ["text", "json", "sarif", "markdown", "html"] {
        let run = run_cmd(intguard().arg("scan").arg(&app).args(["--format", format]));
        run.expect_no_panic().expect_code(1);
        assert_no_secret(format, &run.stdout, &secrets);
        assert_no_secret(format, &run.stderr, &secrets);
    }
    let run = run_cmd(intguard().arg("scan").arg(&app).args(["--format", "json"]));
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let at = |rule: &str, line: u64| {
        report["findings"].as_array().unwrap().iter().any(|f| {
            f["rule"] == rule
                && f["line"] == line
                && f["path"].as_str().unwrap().ends_with("dev.yaml")
        })
    };
    // The list's key, where the property is.
    assert!(at("IG102", 3), "{report:#}");
}

/// A script's `SF_PASSWORD=$SF_PW_FROM_VAULT` sets no secret: the variable's
/// name is shown as written in the snippet of a finding on a line that
/// reads it, while the secret on that line is masked.
#[test]
fn variables_a_script_reads_are_not_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let secret = "Cl1ent-S3cret-42x";
    write(
        tmp.path(),
        "scripts/deploy.sh",
        format!(
            "#!/bin/sh\nexport SF_PASSWORD=$SF_PW_FROM_VAULT\ncurl -u \"deploy:$SF_PW_FROM_VAULT\" --client_secret \"{secret}\" https://auth.acme.example\n"
        ),
    );
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(tmp.path())
            .args(["--format", "json"]),
    );
    run.expect_no_panic().expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let snippet = report["findings"][0]["snippet"]
        .as_str()
        .unwrap_or_default();
    assert!(
        snippet.starts_with("curl -u \"deploy:$SF_PW_FROM_VAULT\" --client_secret \"Cl…(17)\""),
        "{snippet}"
    );
    let mut secrets = Secrets::new();
    add(&mut secrets, secret, "client secret");
    assert_no_secret("json", &run.stdout, &secrets);
}

/// Found by fuzzing: a `.properties` value continued on the next line with
/// `\` is one secret to the readers (`FirstHalf7SecondHalf9`), so the
/// redactor did not mask its first line in the finding's snippet; and a
/// secret assignment with blanks around `=` escaped the snippet's own
/// masking. Neither line's part may be printed.
#[test]
fn a_continued_properties_value_is_masked_on_every_line() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "continued-api", &[]);
    write(
        &app,
        "src/main/resources/app.properties",
        "sfdc.username = continued@acme.example\nsfdc.password = FirstHalf7\\\n    SecondHalf9\n",
    );
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <configuration-properties file="app.properties"/>
  <salesforce:sfdc-config name="SF_SecondHalf9">
    <salesforce:basic-connection username="${{sfdc.username}}" password="${{sfdc.password}}"/>
  </salesforce:sfdc-config>
</mule>
"#
        ),
    );
    // The config is named with a piece of the password (found by fuzzing):
    // the messages that name the config must not show it either.
    let mut secrets = Secrets::new();
    for part in ["FirstHalf7", "SecondHalf9", "FirstHalf7SecondHalf9"] {
        add(&mut secrets, part, "continued password");
    }
    for (format, run) in scan_every_format(&app, &[]) {
        run.expect_code(1);
        if format == "json" {
            let report = run.json();
            let ig102 = findings(&report)
                .iter()
                .find(|f| f["rule"] == "IG102")
                .expect("the clear password is reported");
            assert_eq!(ig102["line"], 2, "{ig102}");
        }
        assert_no_secret(format, &run.stdout, &secrets);
        assert_no_secret(format, &run.stderr, &secrets);
    }
}

/// Found by exploratory testing: a piece of a continued value shorter than
/// a known piece of a secret may be (`Qz7xW`, 5 characters: short pieces
/// are not masked on their own, lest ordinary words be) was printed in the
/// snippet of its line when the property's name says nothing (`sf.pass`, a
/// secret because a password attribute reads it); and so was a short value
/// written with an escape (`Vb\=9k`, meaning `Vb=9k`). The value's part
/// of each line is masked.
#[test]
fn short_pieces_of_a_continued_or_escaped_value_are_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "pieces-api", &[]);
    write(
        &app,
        "src/main/resources/app.properties",
        "sf.user = pieces@acme.example\nsf.pass = Qz7xW\\\n    ContinuedTail42\nsf.tok:Vb\\=9k\n",
    );
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <configuration-properties file="app.properties"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${{sf.user}}" password="${{sf.pass}}" securityToken="${{sf.tok}}"/>
  </salesforce:sfdc-config>
</mule>
"#
        ),
    );
    let mut secrets = Secrets::new();
    for part in ["Qz7xW", "ContinuedTail42", "Vb\\=9k", "Vb=9k"] {
        add(&mut secrets, part, "a piece of a secret value");
    }
    for (format, run) in scan_every_format(&app, &[]) {
        run.expect_code(1);
        if format == "json" {
            let report = run.json();
            for line in [2, 4] {
                let f = findings(&report)
                    .iter()
                    .find(|f| f["rule"] == "IG102" && f["line"] == line)
                    .unwrap_or_else(|| panic!("no IG102 at line {line}: {report}"));
                // The key is shown; the value is not.
                let snippet = f["snippet"].as_str().unwrap();
                assert!(snippet.starts_with("sf."), "{snippet}");
            }
        }
        assert_no_secret(format, &run.stdout, &secrets);
        assert_no_secret(format, &run.stderr, &secrets);
    }
}

/// A `.properties` file saved as ISO-8859-1 / Windows-1252 (what Java's
/// `Properties.load(InputStream)` reads): its passwords hold `é`, `£` as
/// single bytes, one under a name that says nothing (`sf.cred`, a secret
/// because a password attribute reads it). Its entries are read as Java
/// reads them (not replacement characters), its secrets reported with the
/// fingerprint of that value, and masked in every format, snippets included;
/// a `latin1-properties` warning says so (not `not-utf8`).
#[test]
fn a_latin1_properties_file_is_read_and_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "latin1-api", &[]);
    write(
        &app,
        "src/main/resources/dev.properties",
        b"# Configuraci\xf3n \xa3\nsf.user=latin1@acme.example\nsf.cred=Caf\xe9Cr\xe8me\xa3Pw9\nsf.password=Se\xf1orClave\xa37\n".as_slice(),
    );
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <configuration-properties file="${{mule.env}}.properties"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${{sf.user}}" password="${{sf.cred}}"/>
  </salesforce:sfdc-config>
  <salesforce:sfdc-config name="SF2">
    <salesforce:basic-connection username="${{sf.user}}" password="${{sf.password}}"/>
  </salesforce:sfdc-config>
</mule>
"#
        ),
    );
    let mut secrets = Secrets::new();
    for value in ["Caf\u{e9}Cr\u{e8}me\u{a3}Pw9", "Se\u{f1}orClave\u{a3}7"] {
        add(&mut secrets, value, "a Latin-1 password");
        // As a lossy UTF-8 reading would show it.
        add(
            &mut secrets,
            &value.replace(|c: char| !c.is_ascii(), "\u{fffd}"),
            "a Latin-1 password, read as UTF-8",
        );
    }
    for (format, run) in scan_every_format(&app, &[]) {
        run.expect_code(1);
        if format == "json" {
            let report = run.json();
            for (line, value) in [
                (3, "Caf\u{e9}Cr\u{e8}me\u{a3}Pw9"),
                (4, "Se\u{f1}orClave\u{a3}7"),
            ] {
                let described = intguard_model::secret::describe(value);
                assert!(
                    findings(&report).iter().any(|f| f["rule"] == "IG102"
                        && f["line"] == line
                        && f["message"].as_str().unwrap().contains(&described)),
                    "line {line}, {described}: {report}"
                );
            }
            let codes: Vec<&str> = diagnostics(&report)
                .iter()
                .map(|d| d["code"].as_str().unwrap())
                .collect();
            assert_eq!(codes, ["latin1-properties"], "{report}");
            let d = &diagnostics(&report)[0];
            assert_eq!(
                (d["line"].as_u64(), d["column"].as_u64()),
                (Some(1), Some(14)),
                "{d}"
            );
        }
        assert_no_secret(format, &run.stdout, &secrets);
        assert_no_secret(format, &run.stderr, &secrets);
    }
}

/// Found by review: a property is a secret because of where it is read
/// (`password="${sf.foo}"`, `key="${enc.k}"`), not because of its name. Its
/// value was printed in the snippets of the findings about it (IG102 and
/// IG103 point at the very line), and a continued value's first line too.
#[test]
fn secrets_under_names_that_do_not_say_so_are_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "odd-names-api", &[]);
    write(
        &app,
        "src/main/resources/app.properties",
        "sf.user=odd@acme.example\nsf.foo=LeakCheckFooVal\nsf.bar=${sf.inner}\nsf.inner=NestedLeak9a\nsf.ks=KsPartOne1\\\n  KsPartTwo2\nenc.k=LeakCheckKey1234\n",
    );
    write(&app, "run.sh", "mule -Dscript.k=ScriptKeyLeak77 start\n");
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <configuration-properties file="app.properties"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${{sf.user}}" password="${{sf.foo}}" securityToken="${{sf.bar}}"/>
  </salesforce:sfdc-config>
  <salesforce:sfdc-config name="SF_JWT">
    <salesforce:jwt-connection consumerKey="3MVG9oddnames" keyStore="k.jks" storePassword="${{sf.ks}}" principal="${{sf.user}}"/>
  </salesforce:sfdc-config>
  <secure-properties:config name="SP" key="${{enc.k}}" file="s.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC"/>
  </secure-properties:config>
  <secure-properties:config name="SP2" key="${{script.k}}" file="t.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC"/>
  </secure-properties:config>
</mule>
"#
        ),
    );
    let mut secrets = Secrets::new();
    for value in [
        "LeakCheckFooVal",
        "NestedLeak9a",
        "KsPartOne1",
        "KsPartTwo2",
        "LeakCheckKey1234",
        "ScriptKeyLeak77",
    ] {
        add(&mut secrets, value, "read where a secret is expected");
    }
    for (format, run) in scan_every_format(&app, &[]) {
        run.expect_code(1);
        if format == "json" {
            // The findings are there: masked, not dropped.
            let report = run.json();
            let at = |rule: &str, line: u64| {
                findings(&report).iter().any(|f| {
                    f["rule"] == rule
                        && f["line"] == line
                        && f["path"].as_str().unwrap().ends_with("app.properties")
                })
            };
            assert!(at("IG102", 2), "sf.foo in clear: {report}");
            assert!(at("IG103", 7), "enc.k committed: {report}");
        }
        assert_no_secret(format, &run.stdout, &secrets);
        assert_no_secret(format, &run.stderr, &secrets);
    }
}

/// A deploy script's `-D` values under names that say nothing: one the
/// secure-properties config names as its key (`crypt.material`, IG103's
/// finding is on that line), one a connection reads as its password
/// (`sf.login`). Both are masked in the snippet of that line, in every
/// format.
#[test]
fn script_values_read_as_a_key_or_a_password_are_masked() {
    let tree = workspace().join("crates/rules/tests/fixtures/IG103/named-by-config");
    let (_, report) = scan_json(&tree, &[]);
    let on_script = findings(&report)
        .iter()
        .find(|f| f["rule"] == "IG103" && f["line"] == 4)
        .unwrap_or_else(|| panic!("no IG103 finding on the script: {report}"));
    let snippet = on_script["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("-Dcrypt.material=") && snippet.contains("-Dsf.login="),
        "{snippet}"
    );
    assert_masked_in_every_format(&tree, &["Material-0123456789", "Hunter2-Pass-77"]);
}

/// Secrets found through something else than their own name, each on a line
/// a finding shows: a variable's `value` (named by its `variableName`, Mule 4
/// and 3), the credentials of a URL's query (in the XML and in a property),
/// and the password written in the URL of a request that logs in to
/// Salesforce. Masked in every format.
#[test]
fn secret_variables_and_url_query_credentials_are_masked() {
    let fixtures = workspace().join("crates/rules/tests/fixtures");
    assert_masked_in_every_format(
        &fixtures.join("IG102/positive"),
        &[
            "PartnerVarKey-6043",
            "M3-Session-Pass-88",
            "YWNjb3VudHM6TTMtVmFyLVBhc3MtNDI=",
            "PartnerSecret-8842",
            "PartnerPass-3319",
            "PricesUrlKey-5106",
        ],
    );
    assert_masked_in_every_format(&fixtures.join("IG101/secret-places"), &["Url-Pass-9876"]);
}

/// A `.properties` value written with escapes (`\=`, `\u0041`) is masked as
/// written, not only as read: a `#` or a space in it is part of the value.
/// A keystore's default password, reported as a secret, is masked in the
/// snippet as in the message.
#[test]
fn escaped_values_and_default_passwords_are_masked_in_snippets() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "esc-api", &[]);
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <configuration-properties file="config.properties"/>
  <secure-properties:config name="Secure_Props" file="secure.yaml" key="${{secure.key}}">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="false"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:basic-connection username="esc@acme.example" password="${{sfdc.password}}" securityToken="${{secure::sfdc.token}}"/>
  </salesforce:sfdc-config>
  <tls:context name="Client_TLS">
    <tls:key-store path="client.p12" type="pkcs12" password="changeit" keyPassword="password"/>
  </tls:context>
</mule>
"#
        ),
    );
    write(
        &app,
        "src/main/resources/config.properties",
        "secure.key=Mule\\=24#Secret!!\nsfdc.password=Tiger\\=2024 Summer#Sale\nmule.key=\\u0041b:Cd=Ef#1234567\n",
    );
    write(
        &app,
        "src/main/resources/secure.yaml",
        "sfdc:\n  token: \"![hw2IbpNI1Lc3NFibiXLGvA==]\"\n",
    );
    for (format, run) in scan_every_format(tmp.path(), &[]) {
        run.expect_code(1);
        // The escaped value is reported (IG103 at the key, IG102 at the
        // password), with a snippet in the formats that have one.
        if format == "json" {
            let report = run.json();
            let snippets: Vec<&str> = findings(&report)
                .iter()
                .filter(|f| {
                    f["path"]
                        .as_str()
                        .is_some_and(|p| p.ends_with(".properties"))
                })
                .filter_map(|f| f["snippet"].as_str())
                .collect();
            assert!(snippets.len() >= 2, "{snippets:?}");
        }
        let out = format!("{}{}", run.stdout, run.stderr);
        for shown in [
            "Secret!!",
            "Summer#Sale",
            "2024 Summer",
            "Ef#1234567",
            r#"password=\"changeit\""#,
            r#"password="changeit""#,
            r#"keyPassword=\"password\""#,
            r#"keyPassword="password""#,
        ] {
            assert!(!out.contains(shown), "{format} prints {shown}");
        }
    }
}

/// IG102's fixture of two connections with literal passwords (and
/// passwords in environment files): their fixes name new properties, never
/// the values, in every format.
#[test]
fn connection_passwords_are_masked_in_every_format() {
    let fixture = workspace().join("crates/rules/tests/fixtures/IG102/connection-names");
    assert_masked_in_every_format(
        &fixture,
        &[
            "Orders-Pw-4417",
            "Billing-Pw-8823",
            "Leads-Pw-5196",
            "Accounts-Dev-Pw-3308",
            "Accounts-Prod-Pw-7741",
        ],
    );
}

/// A private key on one line (a JSON string with `\n` escapes), in a field
/// whose name says nothing: its finding's snippet shows the label, never
/// the key.
#[test]
fn a_one_line_private_key_is_masked_in_snippets() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "MHcCAQEEIFxFixtureOnlyNotAKeyAtAll0123456789abcdefoAoGCCqGSM49AwEHoUQDQgAE";
    write(
        tmp.path(),
        "deploy/config.json",
        format!(
            "{{\"name\": \"sfdc-int\", \"pem\": \"-----BEGIN EC PRIVATE KEY-----\\n{body}\\nAwEHoUQDQgAEOHZEN3bze+iiLx+ewmGQuGmviECVbUKVcXW1iNkX+jt4QXPbUqvu\\n-----END EC PRIVATE KEY-----\\n\"}}\n"
        ),
    );
    for (format, run) in scan_every_format(tmp.path(), &[]) {
        assert!(
            run.stdout.contains("EC PRIVATE KEY"),
            "{format}: the key is reported\n{}",
            run.stdout
        );
        for shown in [&body[4..20], "OHZEN3bze+iiLx+ewmGQ"] {
            assert!(!run.stdout.contains(shown), "{format} prints {shown}");
        }
    }
}

/// The key and token fixtures of IG105 and IG106: key bodies written as
/// `.properties`, `.env` and XML attribute values, OpenSSH, DER, PuTTY and
/// OpenPGP keys, keystore passwords, a URL-encoded session id. None appears
/// in any format, snippets included.
#[test]
fn key_and_token_fixtures_are_masked_in_every_format() {
    let fixtures = workspace().join("crates/rules/tests/fixtures");
    for (rel, passwords) in [
        ("IG105/pem-in-values", &[][..]),
        ("IG105/openssh", &[][..]),
        ("IG105/der-keys", &["fixture-pass-2"][..]),
        ("IG105/der-pkcs1", &[][..]),
        ("IG105/putty", &[][..]),
        ("IG105/pgp", &[][..]),
        (
            "IG105/jceks-bks",
            &["fixture-pass-api", "fixture-pass-jceks"][..],
        ),
        ("IG105/trust-store-with-key", &["fixture-pass-3"][..]),
        (
            "IG105/keystore-per-env",
            &["fixture-pass-dev", "fixture-pass-prod"][..],
        ),
        ("IG106/url-encoded", &[][..]),
    ] {
        let root = fixtures.join(rel);
        // Runs of base64 (key body lines, whatever separates them in the
        // file) and of token characters, as written.
        let mut secrets: Vec<String> = passwords.iter().map(|p| p.to_string()).collect();
        for path in files_under(&root) {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for run_char in [
                |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/',
                |c: char| c.is_ascii_alphanumeric() || c == '%' || c == '.' || c == '_',
            ] {
                secrets.extend(
                    text.split(|c: char| !run_char(c))
                        .filter(|w| w.len() >= 40)
                        .map(str::to_string),
                );
            }
        }
        // Binary keys and keystores have no text to gather.
        let text_secrets = !["der-", "store", "jceks"].iter().any(|b| rel.contains(b));
        assert_eq!(
            secrets.len() > passwords.len(),
            text_secrets,
            "{rel}: {} gathered",
            secrets.len()
        );
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        assert_masked_in_every_format(&root, &secrets);
    }
}

/// A key on one line of a `.env` file (spaces for line breaks) and in an
/// XML attribute with `&#10;` line breaks: both reported, neither body shown.
#[test]
fn one_line_and_xml_attribute_keys_are_reported_and_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let line1 = "MIIEowIBAAKCAQEAzFixtureOnlyNotAKeyAtAll0123456789abcdefghijklmnopqrs";
    let line2 = "tuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789FixtureOnlyNotAKey012345";
    write(
        tmp.path(),
        "ops/.env",
        format!("SF_JWT_KEY=\"-----BEGIN RSA PRIVATE KEY----- {line1} {line2} -----END RSA PRIVATE KEY-----\"\n"),
    );
    write(
        tmp.path(),
        "ops/keys.xml",
        format!("<keys>\n  <key name=\"sfdc\" pem=\"-----BEGIN RSA PRIVATE KEY-----&#10;{line1}&#10;{line2}&#10;-----END RSA PRIVATE KEY-----\"/>\n</keys>\n"),
    );
    let (_, report) = scan_json(tmp.path(), &["--fail-on", "none"]);
    let ig105: Vec<&str> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG105")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        ig105.iter().any(|p| p.ends_with(".env")) && ig105.iter().any(|p| p.ends_with("keys.xml")),
        "{report:#}"
    );
    for (format, run) in scan_every_format(tmp.path(), &["--fail-on", "none"]) {
        for shown in [&line1[6..26], &line2[..20]] {
            assert!(!run.stdout.contains(shown), "{format} prints {shown}");
        }
    }
}

/// A domain project's shared connection is read like an app's: its literal
/// password is masked in every format.
#[test]
fn a_domain_projects_literal_password_is_masked() {
    let fixture = workspace().join("crates/fix/tests/fixtures/mule4-domain");
    assert_masked_in_every_format(&fixture, &["Sh4red-Domain-Pw"]);
}

/// Found by exploratory testing: `fix secrets --dry-run` masked the values
/// it moved, but printed the diff's context lines as they are: the secrets
/// it left (a value with an escape, a continued value), the other
/// environments' values of a property it could not move, and a committed
/// key beside them. Every line of the plan is masked now.
#[test]
fn a_fix_dry_run_prints_no_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "leak-api", &[]);
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <configuration-properties file="config/${{mule.env}}.properties"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${{sfdc.username}}" password="${{sfdc.password}}" securityToken="${{sfdc.token}}"/>
  </salesforce:sfdc-config>
  <http:request-config name="ERP">
    <http:request-connection host="erp.acme.example" port="443" protocol="HTTPS">
      <http:authentication>
        <http:basic-authentication username="svc_mule" password="${{erp.pass}}"/>
      </http:authentication>
    </http:request-connection>
  </http:request-config>
</mule>
"#
        ),
    );
    write(
        &app,
        "src/main/resources/config/dev.properties",
        "sfdc.username=int.leak@acme.com.dev\n\
         sfdc.password=DevPlainPassw0rd\n\
         sfdc.token=DevTok3nAbCdEfGhIjKlMn\n\
         erp.pass=ErpDevPa55word\n\
         encryption.key=C0mmittedKey1234\n",
    );
    write(
        &app,
        "src/main/resources/config/qa.properties",
        "sfdc.username=int.leak@acme.com.qa\n\
         sfdc.password=QaPlainPassw0rd\n\
         sfdc.token=QaTok3nAbCdEfGhIjKlMnOp\n\
         erp.pass=Erp\\u0050assQa2024x\n",
    );
    write(
        &app,
        "src/main/resources/config/prod.properties",
        "sfdc.username=int.leak@acme.com\n\
         sfdc.password=Summer\\u00212024Leak\n\
         sfdc.token=ProdTok3nAbCdEfGhIjKlMn\n\
         erp.pass=ErpCont1nued\\\n    Tail42\n",
    );
    let key = "FixDryRunKey1234";
    let mut secrets = Secrets::new();
    for (value, origin) in [
        ("DevPlainPassw0rd", "dev password"),
        ("QaPlainPassw0rd", "qa password"),
        ("Summer\\u00212024Leak", "prod password as written (escape)"),
        ("Summer!2024Leak", "prod password as read"),
        ("DevTok3nAbCdEfGhIjKlMn", "dev token"),
        ("QaTok3nAbCdEfGhIjKlMnOp", "qa token"),
        ("ProdTok3nAbCdEfGhIjKlMn", "prod token"),
        ("ErpDevPa55word", "dev erp password"),
        (
            "Erp\\u0050assQa2024x",
            "qa erp password as written (escape)",
        ),
        ("ErpPassQa2024x", "qa erp password as read"),
        ("ErpCont1nued", "prod erp password, first line"),
        ("Tail42", "prod erp password, continued line"),
        ("ErpCont1nuedTail42", "prod erp password as read"),
        ("C0mmittedKey1234", "committed key"),
        (key, "the key of --key-env"),
    ] {
        add(&mut secrets, value, origin);
    }
    let run = run_cmd(
        intguard()
            .env("IG_DRY_RUN_KEY", key)
            .args(["fix", "secrets", "--key-env", "IG_DRY_RUN_KEY", "--dry-run"])
            .arg(&app),
    );
    // Every value moves, the escaped and the continued ones too (exit 0):
    // the diff shows their lines removed, masked.
    run.expect_code(0);
    assert!(run.stdout.contains("+++ b/"), "{}", run.stdout);
    assert!(run.stdout.contains("dev.properties"), "{}", run.stdout);
    assert!(run.stdout.contains("qa.properties"), "{}", run.stdout);
    assert!(run.stdout.contains("prod.properties"), "{}", run.stdout);
    assert!(!run.stderr.contains("left as is"), "{}", run.stderr);
    assert_no_secret("fix secrets --dry-run (stdout)", &run.stdout, &secrets);
    assert_no_secret("fix secrets --dry-run (stderr)", &run.stderr, &secrets);
}

/// A password that is an everyday word of the product (`salesforce`) is
/// masked where it is written, but not inside element names, hosts and fix
/// commands: masked there, it garbled them and pointed out the secret.
#[test]
fn a_public_word_password_is_masked_only_where_it_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "sf-app", &[]);
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <configuration-properties file="config/prod.yaml"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${{sfdc.username}}" password="${{sfdc.password}}"/>
  </salesforce:sfdc-config>
</mule>
"#
        ),
    );
    write(
        &app,
        "src/main/resources/config/prod.yaml",
        "sfdc:\n  username: \"int.sf@acme.com\"\n  password: \"salesforce\"\n",
    );
    let run = run_cmd(intguard().args(["scan", "--fail-on", "none"]).arg(&app));
    run.expect_code(0);
    // Written in the property file: masked.
    assert!(
        !run.stdout.contains("password: \"salesforce\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("password: \"sa…(10)\""),
        "{}",
        run.stdout
    );
    // intguard's own words and the XML's names: whole.
    assert!(!run.stdout.contains("sa…(10):"), "{}", run.stdout);
    assert!(
        run.stdout.contains("<salesforce:basic-connection"),
        "{}",
        run.stdout
    );
}

/// Found by testing as a user would: the default of
/// `password="${sf.password:Pw}"` was printed in clear in IG107's message
/// ("read as ${sf.password:Pw}") in every format.
#[test]
fn a_references_secret_default_is_masked_in_every_format() {
    const DEFAULT: &str = "Acc0unts-Default-Pw";
    let fixture = workspace().join("crates/rules/tests/fixtures/IG102/placeholder-default");
    for (format, run) in scan_every_format(&fixture, &["--fail-on", "none"]) {
        run.expect_code(0);
        assert!(!run.stdout.contains(DEFAULT), "{format}: {}", run.stdout);
        assert!(!run.stderr.contains(DEFAULT), "{format}: {}", run.stderr);
        assert!(
            run.stdout.contains("IG102"),
            "{format}: the default is reported"
        );
    }
}

/// Found by testing as a user would: a clear value that an HTTP request
/// sends as a credential through a property whose name says nothing of a
/// secret (`password: p('secure::sf.pw')`, `x-api-key: p('partner.k')`) was
/// printed in clear in the snippets of IG102's findings.
#[test]
fn credentials_read_by_http_requests_are_masked() {
    let fixture = workspace().join("crates/rules/tests/fixtures/IG102/http-reference");
    assert_masked_in_every_format(
        &fixture,
        &["Clear-Cs-3311", "Clear-Pw-2211", "Partner-K3y-5521"],
    );
}

/// Found by testing as a user would: a password with a `#` in a URL's query
/// (`jdbc:mysql://...?password=St0ck-Db#Zq81`) was masked up to the `#`
/// only (read as a fragment), its tail printed in clear in snippets.
#[test]
fn a_query_password_with_a_hash_is_masked_whole() {
    let fixture = workspace().join("crates/rules/tests/fixtures/IG102/jdbc-url");
    assert_masked_in_every_format(&fixture, &["St0ck-Db", "#Zq81", "Zq81"]);
}

/// Found by testing: an SFDX auth URL
/// (`force://<client id>:<client secret>:<refresh token>@<host>`) had its
/// refresh token and consumer key masked, but its client secret printed in
/// clear in the snippet of the refresh token's finding.
#[test]
fn the_client_secret_of_an_sfdx_auth_url_is_masked() {
    let fixtures = workspace().join("crates/rules/tests/fixtures");
    assert_masked_in_every_format(
        &fixtures.join("IG102/sfdx-auth-url"),
        &["0FCF7C8AD065BA26C1F2B5FEAB2FB411880200B162C7D62B37D3A43C3FECD987"],
    );
}

/// Found by testing: a one-line JSON log entry holding a token and a
/// password showed the password in clear in the token's snippet.
#[test]
fn secret_members_of_a_json_log_line_are_masked() {
    let fixtures = workspace().join("crates/rules/tests/fixtures");
    assert_masked_in_every_format(&fixtures.join("IG106/json-log"), &["Json-Log-Pass-4417"]);
}

/// Committed keys rotated but committed again (IG103's encryption key,
/// IG105's PEM key, pasted key and keystore) are new findings because their
/// fingerprints count a digest of the key: neither the old key nor the new
/// one is printed in any format, with or without the baseline, nor written
/// in the baseline file.
#[test]
fn rotated_committed_keys_are_never_printed() {
    use crate::ci_history::{key_body, key_project, ENC_KEY};
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    let (old_body, new_body) = (key_body("a"), key_body("b"));
    let new_key = "OrdersK3y-2026-cd";
    key_project(&root, ENC_KEY, &old_body, "sfdc-dev.jks");
    let baseline = tmp.path().join("baseline.json");
    run([
        "scan".as_ref(),
        root.as_os_str(),
        "--write-baseline".as_ref(),
        baseline.as_os_str(),
    ])
    .expect_code(0);
    key_project(&root, new_key, &new_body, "sfdc-prod.jks");
    let rotated = tmp.path().join("rotated-baseline.json");
    run([
        "scan".as_ref(),
        root.as_os_str(),
        "--write-baseline".as_ref(),
        rotated.as_os_str(),
    ])
    .expect_code(0);
    let mut secrets: Vec<&str> = vec![ENC_KEY, new_key];
    secrets.extend(old_body.iter().chain(&new_body).map(String::as_str));
    let mut outputs: Vec<(String, String)> = Vec::new();
    for file in [&baseline, &rotated] {
        outputs.push((
            file.display().to_string(),
            std::fs::read_to_string(file).unwrap(),
        ));
    }
    for extra in [&[][..], &["--baseline", baseline.to_str().unwrap()][..]] {
        for (format, run) in scan_every_format(&root, extra) {
            // The rotated keys are new: the gate fails on them.
            run.expect_code(1);
            outputs.push((format!("{format} {extra:?}"), run.stdout.clone()));
            outputs.push((format!("{format} {extra:?} stderr"), run.stderr.clone()));
        }
    }
    for (what, output) in &outputs {
        for s in &secrets {
            assert!(!output.contains(s), "{what} prints {s}");
            // Nor a long piece of a key's body.
            if s.len() >= 40 {
                assert!(!output.contains(&s[8..32]), "{what} prints part of {s}");
            }
        }
    }
}

/// `fix jwt` lists the password settings it leaves behind by name and file, and
/// prints a diff: neither its dry run nor its run shows a secret of the
/// example (the passwords, tokens and consumer secrets of the connections it
/// switches, and the literal ones of the Mule 3 app it leaves).
#[test]
fn a_fix_jwt_prints_no_secret() {
    let mut secrets = secrets_in_files(&example());
    let (_, plaintexts) = encrypt_mule_py();
    merge(&mut secrets, plaintexts);
    let (_tmp, root) = copy_example("");
    let dry = run_cmd(intguard().args(["fix", "jwt", "--dry-run"]).arg(&root));
    dry.expect_code(1);
    assert!(dry.stdout.contains("+++ b/"), "{}", dry.stdout);
    assert!(dry.stderr.contains("no longer read"), "{}", dry.stderr);
    assert_no_secret("fix jwt --dry-run (stdout)", &dry.stdout, &secrets);
    assert_no_secret("fix jwt --dry-run (stderr)", &dry.stderr, &secrets);
    let run = run_cmd(intguard().args(["fix", "jwt"]).arg(&root));
    run.expect_code(1);
    assert!(
        run.stderr.contains("connection(s) switched"),
        "{}",
        run.stderr
    );
    assert_no_secret("fix jwt (stdout)", &run.stdout, &secrets);
    assert_no_secret("fix jwt (stderr)", &run.stderr, &secrets);
}
