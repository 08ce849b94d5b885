//! OpenPGP private keys (`-----BEGIN PGP PRIVATE KEY BLOCK-----`, Mule's
//! Crypto module `crypto:pgp-config`): whether their secrets are protected by
//! a passphrase. The armor says nothing about it; each Secret-Key (tag 5) and
//! Secret-Subkey (tag 7) packet does, in the S2K usage octet after its public
//! part (RFC 9580 §5.5.3; RFC 4880 §5.5.3 for v3 and v4 keys): 0 when the
//! secret follows in clear.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};

/// Decodes base64 without its padding, and a block cut short (by
/// [`MAX_BASE64`], or in the file) whose last characters leave bits over.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// More base64 than any key of a repository holds: a bound on what one
/// block's reading decodes.
const MAX_BASE64: usize = 1 << 20;
/// Lines before the data (armor headers, blank lines) and the length of a
/// line are bounded too, so that what one block's reading goes over holds no
/// other block's BEGIN, or a bounded part of it: a file of blocks (or of BEGIN
/// labels) is read in linear time.
const MAX_LINES_BEFORE_DATA: usize = 32;
const MAX_LINE: usize = 4096;
/// A block on one line (see [`one_line_data`]): an armored RSA-4096 secret
/// key is ~7 KB.
const MAX_ONE_LINE: usize = 1 << 16;

/// The data of an ASCII-armored block, decoded as far as it goes: `after` is
/// the text following its `-----BEGIN ...-----` label. Armor headers
/// (`Version: ...`) and blank lines before the data are skipped; the data
/// ends at the checksum line (`=XXXX`), the END line or anything that is not
/// base64. Lines may be broken and indented as where PEM blocks are found:
/// real line breaks, `\n` escapes in a JSON string or a `.properties` value
/// (and `\` continuations), `&#10;` in XML, quotes and `+` of concatenated
/// string literals.
pub(crate) fn armor_data(after: &str) -> Vec<u8> {
    if let Some(data) = one_line_data(after) {
        return data;
    }
    let mut b64: Vec<u8> = Vec::new();
    let mut rest = after;
    let mut before_data = 0;
    while !rest.is_empty() && b64.len() < MAX_BASE64 {
        let (line, next) = split_line(rest);
        rest = next;
        let line = data_part(line);
        if b64.is_empty() {
            before_data += 1;
            if before_data > MAX_LINES_BEFORE_DATA {
                break;
            }
        }
        if line.is_empty() {
            continue;
        }
        if line.starts_with('-') || line.starts_with('=') {
            // The END line, or the checksum that precedes it.
            break;
        }
        if b64.is_empty() && is_armor_header(line) {
            continue;
        }
        let run = line.bytes().take_while(|b| is_base64_char(*b)).count();
        // After the base64, at most the end of a string literal (`...",`);
        // anything else (prose) is no data.
        let tail = line[run..].trim_matches([' ', '\t', '"', '\'', ',', ';', '+', ')']);
        if run == 0 || !tail.is_empty() {
            break;
        }
        b64.extend_from_slice(&line.as_bytes()[..run]);
        if line.as_bytes()[..run].contains(&b'=') || run < line.len() {
            // Padding ends the data, and so does the end of a literal.
            break;
        }
    }
    decode(&b64).unwrap_or_default()
}

/// The octets of base64 `b64` up to its padding; a single character over a
/// group of four holds no whole octet.
fn decode(b64: &[u8]) -> Option<Vec<u8>> {
    let end = b64.iter().position(|&b| b == b'=').unwrap_or(b64.len());
    let end = if end % 4 == 1 { end - 1 } else { end };
    LENIENT.decode(&b64[..end]).ok()
}

/// The data of a whole block written on one line, its line breaks turned
/// into spaces (`echo $KEY`, a value pasted into one field): `after` is the
/// text after the BEGIN label, whose line runs to the END label. Armor
/// headers come first (`Version: BCPG v1.58`), then the base64 lines, the
/// checksum (`=XXXX`) and the END label. The data starts at the first long
/// run of base64 that is not a header's value, and holds every run up to the
/// checksum or the END. `None` when the label's line is not such a block.
///
/// The line is read up to the next `-----` (a label), and at most
/// [`MAX_ONE_LINE`] bytes: a file of labels is read in linear time.
fn one_line_data(after: &str) -> Option<Vec<u8>> {
    let region = crate::cut::head(after, MAX_ONE_LINE);
    let label = region.find("-----")?;
    let line = &region[..label];
    if line.contains(['\n', '\r']) || !region[label..].starts_with("-----END") {
        return None;
    }
    let words: Vec<&str> = line.split_ascii_whitespace().collect();
    let is_data = |w: &str| w.len() >= 32 && w.bytes().all(is_base64_char) && !w.starts_with('=');
    let start = (0..words.len())
        .take(MAX_LINES_BEFORE_DATA)
        .find(|&i| is_data(words[i]) && (i == 0 || !words[i - 1].ends_with(':')))?;
    let mut b64: Vec<u8> = Vec::new();
    for word in &words[start..] {
        if word.starts_with('=') || !word.bytes().all(is_base64_char) {
            break;
        }
        b64.extend_from_slice(word.as_bytes());
        if word.contains('=') {
            break;
        }
    }
    decode(&b64)
}

fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

/// The first line of `text` and the text after its line break, whichever
/// form the break takes (see [`armor_data`]); a line longer than
/// [`MAX_LINE`] is cut there and ends the text.
fn split_line(text: &str) -> (&str, &str) {
    const BREAKS: &[&str] = &[
        "\\\r\n",
        "\\\n",
        "\\r\\n",
        "\\n",
        "\r\n",
        "\n",
        "&#13;&#10;",
        "&#10;",
        "&#xA;",
        "&#xa;",
    ];
    let limit = crate::cut::head(text, MAX_LINE).len();
    for (i, b) in text.as_bytes()[..limit].iter().enumerate() {
        // ASCII, so `i` is a character's start.
        if matches!(b, b'\\' | b'\r' | b'\n' | b'&') {
            if let Some(br) = BREAKS.iter().find(|br| text[i..].starts_with(**br)) {
                return (&text[..i], &text[i + br.len()..]);
            }
        }
    }
    (&text[..limit], "")
}

/// A line without its indentation, and without the quotes, `+` or `,` of
/// string literals joined across lines (`"...\n" +` then `"lQOYBF...`); a
/// `+` right before base64 is base64.
fn data_part(line: &str) -> &str {
    let mut line = line.trim_matches([' ', '\t', '\r']);
    loop {
        let before = line.len();
        line = line.trim_start_matches([' ', '\t', '"', '\'']);
        if let Some(rest) = line.strip_prefix(['+', ',']) {
            if !rest.bytes().next().is_some_and(is_base64_char) {
                line = rest;
            }
        }
        if line.len() == before {
            return line;
        }
    }
}

/// `Version: BCPG v1.58`, `Comment: ...`: a key, `: `, a value.
fn is_armor_header(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(key, _)| {
        !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// Whether the private keys in OpenPGP packets are passphrase-protected:
/// `Some(false)` when a Secret-Key or Secret-Subkey packet holds its secret
/// in clear, `Some(true)` when every one read protects it, `None` when none
/// could be read or none holds a secret (GnuPG's stubs for keys kept
/// elsewhere, as on a smartcard).
pub(crate) fn secret_key_encrypted(data: &[u8]) -> Option<bool> {
    let mut rest = data;
    let mut protected = false;
    while let Some((tag, body, next)) = packet(rest) {
        if tag == 5 || tag == 7 {
            match secret_protection(body) {
                Some(Secret::Clear) => return Some(false),
                Some(Secret::Protected) => protected = true,
                Some(Secret::Absent) => {}
                // An algorithm or version not known here: what was read
                // stands.
                None => break,
            }
        }
        rest = next;
    }
    protected.then_some(true)
}

/// One packet: its tag, its body (cut short when the data is), the data
/// after it. `None` at the end of the data or on what is no packet header.
fn packet(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&first, rest) = data.split_first()?;
    if first & 0x80 == 0 {
        return None;
    }
    let (tag, len, rest) = if first & 0x40 != 0 {
        // OpenPGP (new) format: the tag in six bits, then the length.
        let tag = first & 0x3f;
        let (&o1, rest) = rest.split_first()?;
        match o1 {
            0..=191 => (tag, usize::from(o1), rest),
            192..=223 => {
                let (&o2, rest) = rest.split_first()?;
                (
                    tag,
                    ((usize::from(o1) - 192) << 8) + usize::from(o2) + 192,
                    rest,
                )
            }
            255 => {
                let (len, rest) = rest.split_first_chunk::<4>()?;
                (tag, u32::from_be_bytes(*len) as usize, rest)
            }
            // Partial body lengths: no key packet is written so.
            _ => return None,
        }
    } else {
        // Legacy format (`0x95 0x01 0xd8` for a secret key): the tag in four
        // bits, then what kind of length follows.
        let tag = (first >> 2) & 0x0f;
        match first & 3 {
            0 => {
                let (&len, rest) = rest.split_first()?;
                (tag, usize::from(len), rest)
            }
            1 => {
                let (len, rest) = rest.split_first_chunk::<2>()?;
                (tag, usize::from(u16::from_be_bytes(*len)), rest)
            }
            2 => {
                let (len, rest) = rest.split_first_chunk::<4>()?;
                (tag, u32::from_be_bytes(*len) as usize, rest)
            }
            _ => (tag, rest.len(), rest),
        }
    };
    let len = len.min(rest.len());
    Some((tag, &rest[..len], &rest[len..]))
}

#[derive(Debug, PartialEq, Eq)]
enum Secret {
    /// S2K usage 0: the secret follows in clear.
    Clear,
    /// Encrypted with a key derived from a passphrase.
    Protected,
    /// GnuPG's `gnu-dummy` / `divert-to-card` stubs: no secret in the file.
    Absent,
}

/// A cursor over a packet's body.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(taken)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<usize> {
        let b = self.take(4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    /// Multiprecision integers: a two-octet bit count, then the octets.
    fn mpis(&mut self, n: usize) -> Option<()> {
        for _ in 0..n {
            let b = self.take(2)?;
            let bits = usize::from(u16::from_be_bytes([b[0], b[1]]));
            self.take(bits.div_ceil(8))?;
        }
        Some(())
    }

    /// A curve's OID: a length octet (0 and 0xFF are reserved), the OID.
    fn oid(&mut self) -> Option<()> {
        match self.u8()? {
            0 | 0xff => None,
            len => self.take(usize::from(len)).map(drop),
        }
    }
}

/// The protection of a Secret-Key or Secret-Subkey packet's secret, read
/// past its public key; `None` for a version or algorithm not known here, or
/// a body cut before the S2K usage octet.
fn secret_protection(body: &[u8]) -> Option<Secret> {
    let mut f = Fields(body);
    let version = f.u8()?;
    match version {
        // Creation time, days of validity, RSA's n and e.
        2 | 3 => {
            f.take(6)?;
            if !matches!(f.u8()?, 1..=3) {
                return None;
            }
            f.mpis(2)?;
        }
        4 => {
            f.take(4)?;
            let algorithm = f.u8()?;
            public_key_fields(&mut f, algorithm)?;
        }
        // v5 (LibrePGP) and v6 count their public key material's octets.
        5 | 6 => {
            f.take(5)?;
            let len = f.u32()?;
            f.take(len)?;
        }
        _ => return None,
    }
    match f.u8()? {
        0 => Some(Secret::Clear),
        253..=255 if gnu_stub(f.0) => Some(Secret::Absent),
        // 253-255 name how the key is derived; any other value is a cipher
        // keyed with the passphrase's MD5 (the oldest form).
        _ => Some(Secret::Protected),
    }
}

/// Skips a v4 key's public key fields (RFC 9580 §5.5.5).
fn public_key_fields(f: &mut Fields<'_>, algorithm: u8) -> Option<()> {
    match algorithm {
        // RSA: n, e.
        1..=3 => f.mpis(2),
        // Elgamal: p, g, y.
        16 | 20 => f.mpis(3),
        // DSA: p, q, g, y.
        17 => f.mpis(4),
        // ECDH: curve, point, KDF parameters (a length octet, then them).
        18 => {
            f.oid()?;
            f.mpis(1)?;
            let len = f.u8()?;
            f.take(usize::from(len)).map(drop)
        }
        // ECDSA, EdDSA (legacy): curve, point.
        19 | 22 => {
            f.oid()?;
            f.mpis(1)
        }
        // X25519, X448, Ed25519, Ed448: the key's octets.
        25 => f.take(32).map(drop),
        26 => f.take(56).map(drop),
        27 => f.take(32).map(drop),
        28 => f.take(57).map(drop),
        _ => None,
    }
}

/// Whether what follows a non-zero S2K usage octet is GnuPG's extension S2K
/// (type 101, a hash octet, `GNU`, then 1 for `gnu-dummy` or 2 for
/// `divert-to-card`): the packet holds no secret. It is looked for among the
/// first octets, where the cipher, AEAD and count octets of each version put
/// it; a real S2K's salt would have to spell the same six octets.
fn gnu_stub(after_usage: &[u8]) -> bool {
    let head = &after_usage[..after_usage.len().min(8)];
    head.windows(6)
        .any(|w| w[0] == 101 && &w[2..5] == b"GNU" && matches!(w[5], 1 | 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A packet in the OpenPGP (new) format, with a one- or two-octet length.
    fn new_packet(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![0xc0 | tag];
        if body.len() < 192 {
            out.push(body.len() as u8);
        } else {
            let n = body.len() - 192;
            out.push((n >> 8) as u8 + 192);
            out.push(n as u8);
        }
        out.extend_from_slice(body);
        out
    }

    /// A v6 Ed25519 secret key packet's body, with the octets after the
    /// public key.
    fn v6_ed25519(after: &[u8]) -> Vec<u8> {
        let mut body = vec![6, 0x63, 0x87, 0x7f, 0xe3, 27, 0, 0, 0, 32];
        body.extend_from_slice(&[0x11; 32]);
        body.extend_from_slice(after);
        body
    }

    #[test]
    fn v6_keys_by_their_usage_octet() {
        let clear = new_packet(5, &v6_ed25519(&[[0].as_slice(), &[0x22; 32]].concat()));
        assert_eq!(secret_key_encrypted(&clear), Some(false));
        // 254: a count, AES-256, the S2K's length, Argon2 (type 4) ...
        let mut protected = vec![254, 20, 9, 18, 4];
        protected.extend_from_slice(&[0x33; 17]);
        protected.extend_from_slice(&[0x44; 48]);
        let protected = new_packet(5, &v6_ed25519(&protected));
        assert_eq!(secret_key_encrypted(&protected), Some(true));
        // A protected primary key with a subkey in clear: in clear.
        let subkey = new_packet(7, &v6_ed25519(&[[0].as_slice(), &[0x55; 32]].concat()));
        assert_eq!(
            secret_key_encrypted(&[protected.clone(), subkey].concat()),
            Some(false)
        );
        // Cut before the usage octet: nothing known.
        assert_eq!(secret_key_encrypted(&clear[..30]), None);
    }

    /// A v3 RSA key in the legacy packet format (`0x95`: tag 5, two-octet
    /// length), the form PGP 2 wrote; a legacy cipher octet (3, CAST5) as the
    /// usage octet is a protected key.
    #[test]
    fn v3_keys_in_legacy_packets() {
        let key = |usage: u8| {
            let mut body = vec![3, 0x30, 0, 0, 0, 0, 0, 1];
            body.extend_from_slice(&[0, 16, 0xc3, 0x01, 0, 2, 0x03]);
            body.push(usage);
            body.extend_from_slice(&[0x66; 40]);
            let mut p = vec![0x95, 0, body.len() as u8];
            p.extend_from_slice(&body);
            p
        };
        assert_eq!(secret_key_encrypted(&key(0)), Some(false));
        assert_eq!(secret_key_encrypted(&key(3)), Some(true));
    }

    #[test]
    fn gnu_stubs_hold_no_secret() {
        // v4 Ed25519 (algorithm 27), then 254, AES-128, GNU's S2K, mode 1.
        let mut body = vec![4, 0x63, 0x87, 0x7f, 0xe3, 27];
        body.extend_from_slice(&[0x11; 32]);
        body.extend_from_slice(&[254, 7, 101, 0, b'G', b'N', b'U', 1]);
        let stub = new_packet(5, &body);
        assert_eq!(secret_key_encrypted(&stub), None);
        let subkey = new_packet(7, &v6_ed25519(&[[0].as_slice(), &[0x55; 32]].concat()));
        assert_eq!(secret_key_encrypted(&[stub, subkey].concat()), Some(false));
    }

    #[test]
    fn not_keys() {
        // A public key packet (tag 6), a user id (13), no packet at all.
        let public = new_packet(6, &v6_ed25519(&[]));
        assert_eq!(secret_key_encrypted(&public), None);
        assert_eq!(secret_key_encrypted(&new_packet(13, b"Alice")), None);
        assert_eq!(secret_key_encrypted(b"hello"), None);
        assert_eq!(secret_key_encrypted(&[]), None);
        // An unknown version or algorithm.
        assert_eq!(secret_key_encrypted(&new_packet(5, &[9, 0, 0, 0, 0])), None);
        assert_eq!(
            secret_key_encrypted(&new_packet(5, &[4, 0, 0, 0, 0, 99, 0, 0])),
            None
        );
    }

    #[test]
    fn armor_data_in_its_forms() {
        let data: Vec<u8> = (0u8..=200).collect();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&data);
        let (a, b) = b64.split_at(64);
        let (b, c) = b.split_at(64);
        for (sep, lead) in [
            ("\n", ""),
            ("\r\n", ""),
            ("\\n", ""),
            ("\\n\\\n", "    "),
            ("&#10;", ""),
            ("\\n\" +\n    \"", ""),
        ] {
            let text = format!(
                "{sep}Version: BCPG v1.58{sep}Comment: made for a test{sep}{sep}{lead}{a}{sep}{lead}{b}{sep}{lead}{c}{sep}{lead}=ab12{sep}-----END PGP PRIVATE KEY BLOCK-----"
            );
            assert_eq!(armor_data(&text), data, "{sep:?}");
        }
        // A line starting with `+` is base64.
        let plus = base64::engine::general_purpose::STANDARD.encode([0xfb, 0xef, 0xbe, 0x01]);
        assert!(plus.starts_with('+'), "{plus}");
        assert_eq!(
            armor_data(&format!("\n\n{plus}\n-----END")),
            vec![0xfb, 0xef, 0xbe, 0x01]
        );
        // Prose after the label: nothing.
        assert!(armor_data(" is how a key block starts.\n").is_empty());

        // The whole block on one line, its breaks turned into spaces (`echo
        // $KEY`), with headers whose values look like data.
        let c64 = base64::engine::general_purpose::STANDARD.encode(&data[..48]);
        let one_line = format!(
            " Version: BCPG v1.58 Comment: {c64} {a} {b} {c} =ab12 -----END PGP PRIVATE KEY BLOCK----- tail"
        );
        assert_eq!(armor_data(&one_line), data);
        // No END on the line: the block is read line by line as before.
        assert!(armor_data(&format!(" {a} {b}")).is_empty());
        // Longer than a line is read (an RSA-4096 key is ~7 KB armored).
        let long: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        let long_b64 = base64::engine::general_purpose::STANDARD.encode(&long);
        let words: Vec<&str> = long_b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        let one_line = format!(" Version: GnuPG v2 {} =ab12 -----END PGP", words.join(" "));
        assert!(one_line.len() > MAX_LINE);
        assert_eq!(armor_data(&one_line), long);
    }
}
