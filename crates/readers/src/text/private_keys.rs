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
        });
    }
}
