//! PEM and OpenPGP private key blocks in any text file.

use std::sync::LazyLock;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use intguard_model::{Location, PrivateKeyBlock, TextFileFacts};
use regex::Regex;

/// A PEM private key's label, or OpenPGP's `PGP PRIVATE KEY BLOCK`.
static PEM_BEGIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----").expect("regex")
});

/// How a PEM block's lines may be broken: a real line break; `\n` in a JSON
/// string or a `.properties` value, and the `\` that continues such a value on
/// the next line.
const PEM_LINE_BREAKS: &[&str] = &[
    "\r\n",
    "\n",
    "\\r\\n",
    "\\n",
    "\\\r\n",
    "\\\n",
    "&#13;&#10;",
    "&#10;",
    "&#xA;",
    "&#xa;",
];

fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

/// Headers that may open a block's body: PEM's `Proc-Type:` (an encrypted
/// legacy key), OpenPGP armor's (`Version: BCPG v1.58` in keys made with
/// BouncyCastle, as Mule's Crypto module uses).
const ARMOR_HEADERS: &[&str] = &[
    "Proc-Type:",
    "Version:",
    "Comment:",
    "Hash:",
    "Charset:",
    "MessageID:",
];

/// Whether `after`, the text following a `-----BEGIN ...-----` label, is a
/// key's body: line breaks (see [`PEM_LINE_BREAKS`]) and then a header or
/// base64, or a long base64 run on the label's line; not prose naming the
/// label. The output's snippets mask what this calls a body.
pub fn looks_like_pem_body(after: &str) -> bool {
    let mut rest = after.trim_start_matches([' ', '\t']);
    let mut breaks = 0;
    while let Some(r) = PEM_LINE_BREAKS.iter().find_map(|b| rest.strip_prefix(b)) {
        rest = r.trim_start_matches([' ', '\t', '"', '\'', '+', ',']);
        breaks += 1;
    }
    let opens_with_header = ARMOR_HEADERS.iter().any(|h| rest.starts_with(h));
    if breaks == 0 {
        // The whole key on the label's line (`-----BEGIN ...----- MIIEv...`
        // in a `.env` value): a long base64 run, which prose never is. Its
        // armor headers may come first (`echo $KEY` turns every line break
        // into a space): a long base64 word then follows on the line.
        return rest.bytes().take_while(|b| is_base64_char(*b)).count() >= 40
            || (opens_with_header
                && label_line(rest)
                    .split_ascii_whitespace()
                    .any(|w| w.len() >= 40 && w.bytes().all(is_base64_char)));
    }
    if opens_with_header {
        return true;
    }
    rest.bytes().take(16).filter(|b| is_base64_char(*b)).count() >= 16
}

/// The rest of a label's line up to its next label (the END), within a
/// bound: cut at the label first, so that a file of labels is read in linear
/// time.
fn label_line(rest: &str) -> &str {
    let line = crate::cut::head(rest, 1 << 16);
    let line = &line[..line.find("-----").unwrap_or(line.len())];
    &line[..line.find(['\n', '\r']).unwrap_or(line.len())]
}

/// True when an OpenSSH key names a cipher other than `none`: its body is the
/// base64 of `openssh-key-v1\0`, then the cipher name (a 4-byte big-endian
/// length and the name). `false` when the body cannot be read.
pub(super) fn openssh_key_encrypted(body: &str) -> bool {
    const MAGIC: &[u8] = b"openssh-key-v1\0";
    // Enough base64 for the magic, the length and a cipher name.
    const NEEDED: usize = 72;
    let mut b64 = Vec::with_capacity(NEEDED);
    let mut bytes = body.bytes();
    while b64.len() < NEEDED {
        match bytes.next() {
            None => break,
            // `\n` in a JSON string or a `.properties` value.
            Some(b'\\') => {
                bytes.next();
            }
            Some(b) if is_base64_char(b) => b64.push(b),
            Some(_) => {}
        }
    }
    b64.truncate(b64.len() / 4 * 4);
    let Ok(raw) = BASE64.decode(&b64) else {
        return false;
    };
    let Some((len, rest)) = raw
        .strip_prefix(MAGIC)
        .and_then(|r| r.split_first_chunk::<4>())
    else {
        return false;
    };
    let len = u32::from_be_bytes(*len) as usize;
    rest.get(..len).is_some_and(|cipher| cipher != b"none")
}

/// A short digest of a block's body, `after` being the text after its
/// BEGIN label: its base64 up to the next armor line (its END, or the next
/// BEGIN when it has none, so that a file of blocks is read once), without
/// what only lays it out (line breaks, indentation, quotes, `\n` escapes,
/// `&#10;` entities). The same key moved or reindented keeps it; another
/// key has another.
fn body_digest(after: &str) -> String {
    let body = &after[..memchr::memmem::find(after.as_bytes(), b"-----").unwrap_or(after.len())];
    let mut kept = Vec::with_capacity(body.len());
    let mut bytes = body.bytes();
    while let Some(b) = bytes.next() {
        match b {
            // An escape (`\n`, `\r`, a continuation): its letter is no
            // base64 of the key.
            b'\\' => {
                bytes.next();
            }
            // An XML character reference (`&#13;&#10;`, `&#xA;`).
            b'&' => {
                for c in bytes.by_ref() {
                    if c == b';' {
                        break;
                    }
                }
            }
            b if is_base64_char(b) => kept.push(b),
            _ => {}
        }
    }
    intguard_model::secret::fingerprint_bytes(&kept)
}

/// The private key blocks of `text` (PEM labels, OpenPGP's `PGP PRIVATE KEY
/// BLOCK`), each with whether its key is encrypted when that can be told.
pub(super) fn private_key_blocks(
    text: &str,
    facts: &mut TextFileFacts,
    loc: &mut impl FnMut(usize) -> Location,
) {
    for c in PEM_BEGIN.captures_iter(text) {
        let (Some(all), Some(label)) = (c.get(0), c.get(1)) else {
            continue;
        };
        if !looks_like_pem_body(&text[all.end()..]) {
            // `-----BEGIN PRIVATE KEY-----` named in prose, not a key.
            continue;
        }
        // The header: the first 512 bytes of the body, cut back to a
        // character's start, or less when the block ends sooner. The END
        // is looked for there only: searching the rest of the file for
        // every BEGIN made a file of blocks without END quadratic.
        let window = crate::cut::head(&text[all.end()..], 512);
        let header = &window[..window.find("-----END").unwrap_or(window.len())];
        let encrypted = if label.as_str() == "PGP PRIVATE KEY BLOCK" {
            // Told by the packets only: the whole body is read, up to
            // its END (where the next block's reading starts at the
            // latest, so a file of blocks is read once).
            crate::pgp::secret_key_encrypted(&crate::pgp::armor_data(&text[all.end()..]))
        } else {
            Some(
                label.as_str().contains("ENCRYPTED")
                    || header.contains("Proc-Type: 4,ENCRYPTED")
                    || (label.as_str() == "OPENSSH PRIVATE KEY" && openssh_key_encrypted(header)),
            )
        };
        facts.private_keys.push(PrivateKeyBlock {
            label: label.as_str().to_string(),
            encrypted,
            location: loc(all.start()),
            digest: Some(body_digest(&text[all.end()..])),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digests(text: &str) -> Vec<Option<String>> {
        let mut facts = TextFileFacts::default();
        private_key_blocks(text, &mut facts, &mut |_| Location::file("k.pem"));
        facts.private_keys.into_iter().map(|k| k.digest).collect()
    }

    /// A key's digest is its body's: the same key moved, reindented, with
    /// other line breaks or escaped in a value keeps it; another key, or
    /// each of two keys in a file, has its own.
    #[test]
    fn a_blocks_digest_is_its_bodys_however_it_is_laid_out() {
        let a1 = "MIIEowIBAAKCAQEAzFixtureOnlyNotAKeyAtAll0123456789abcdefghijklmnop";
        let a2 = "qrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789FixtureOnlyNotAKey0";
        let b2 = "qrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789FixtureOnlyNotAKey1";
        let pem = |l1: &str, l2: &str| {
            format!("-----BEGIN RSA PRIVATE KEY-----\n{l1}\n{l2}\n-----END RSA PRIVATE KEY-----\n")
        };
        let a = digests(&pem(a1, a2));
        assert_eq!(a.len(), 1);
        assert!(a[0].as_ref().is_some_and(|d| d.len() == 8));
        for same in [
            format!("# moved\n\n{}", pem(a1, a2)),
            pem(a1, a2).replace('\n', "\r\n"),
            pem(&format!("    {a1}"), &format!("    {a2}")),
            format!("KEY=\"{}\"\n", pem(a1, a2).trim_end().replace('\n', "\\n")),
            format!(
                "<k pem=\"{}\"/>",
                pem(a1, a2).trim_end().replace('\n', "&#10;")
            ),
        ] {
            assert_eq!(digests(&same), a, "{same}");
        }
        assert_ne!(digests(&pem(a1, b2)), a);
        let two = digests(&format!("{}{}", pem(a1, a2), pem(a1, b2)));
        assert_eq!(two.len(), 2);
        assert_eq!(two[0], a[0]);
        assert_ne!(two[1], a[0]);
    }
}
