//! Encrypt and decrypt MuleSoft secure configuration properties, byte for byte as Mule does.
//!
//! Mule 4's Secure Configuration Properties module (and the `secure-properties-tool.jar` that
//! writes the values) stores a secret in a YAML or `.properties` file as `![BASE64]`, read in
//! flows as `${secure::name}`:
//!
//! ```xml
//! <secure-properties:config name="sp" key="${encryption.key}" file="props/${env}-secure.yaml">
//!   <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="false"/>
//! </secure-properties:config>
//! ```
//!
//! # The format
//!
//! Mule hands the value to the JCE as the transformation `ALGORITHM/MODE/PKCS5Padding`:
//!
//! - **Key**: the key string's bytes, used raw. No key derivation, no hashing, no salt: a
//!   16-character ASCII key is an AES-128 key. The length must suit the algorithm
//!   ([`Algorithm::valid_key_lengths`]).
//! - **Padding**: PKCS#5 (that is PKCS#7 on the algorithm's block): 1 to block-size bytes
//!   each holding the pad length. It is applied in *every* mode, CFB and OFB included, as
//!   the JCE does, so every ciphertext is a whole number of blocks.
//! - **IV, `useRandomIVs="false"` (the default)**: the first block-size bytes of the key (16
//!   for AES, 8 for Blowfish/DES/DESede), zero-filled if the key is shorter than a block.
//!   Output: `base64(ciphertext)`.
//! - **IV, `useRandomIVs="true"`**: a fresh random block; output `base64(IV || ciphertext)`.
//! - **ECB** uses no IV at all, and ignores `useRandomIVs`.
//! - **CFB and OFB** feed back a whole block (CFB-128 for AES, CFB-64 for Blowfish ...).
//! - **Base64**: the standard alphabet, with `=` padding.
//!
//! The defaults are AES, CBC and fixed IVs: [`Cipher::default`].
//!
//! Neither setting protects integrity. With fixed IVs, equal plaintexts always give equal
//! ciphertexts, so comparing `![...]` values across files tells whether two secrets are the
//! same; in CBC values sharing a first block share their first ciphertext block, and in OFB
//! (and the first block of CFB) every value under one key is XORed with the same keystream,
//! so one known plaintext reveals the start of all the others. A wrong key is detected only
//! through the padding, which a wrong key passes about once in 256 tries (giving garbage
//! instead of [`Error::WrongKeyOrCorrupt`]).
//!
//! # Example
//!
//! ```
//! use mule_secure_props::{parse_encrypted_value, Algorithm, Cipher, Mode};
//!
//! let cipher = Cipher::default(); // AES/CBC, fixed IV
//! let value = parse_encrypted_value("![w9oKTqKTtvBuRUVbhQP/qw==]").unwrap();
//! let plain = cipher.decrypt(b"1234567890123456", value).unwrap();
//! assert_eq!(plain, b"1234");
//!
//! let blowfish = Cipher::new(Algorithm::Blowfish, Mode::Cbc, false);
//! assert_eq!(
//!     blowfish.encrypt(b"mulesoft", b"Muleman is here").unwrap(),
//!     "qCReIPK3jcqD7WR84ISSIQ=="
//! );
//! ```
//!
//! # Algorithms
//!
//! AES (and Rijndael, which is AES here), Blowfish, DES, DESede, Camellia, CAST5, CAST6,
//! Serpent, Twofish, XTEA, RC2, RC5 and RC6, each in CBC, CFB, ECB and OFB. Mule also accepts
//! Noekeon, SEED, Skipjack and TEA, for which no maintained Rust implementation exists:
//! [`Algorithm::parse`] reports them as [`Error::AlgorithmNotImplemented`]. Key lengths are
//! those Java takes in a Mule runtime, with a few documented gaps
//! ([`Algorithm::valid_key_lengths`]).
//!
//! Compatibility is tested with vectors for every algorithm, mode and IV setting, computed by
//! implementations that share nothing with this crate (Python `cryptography`, Botan,
//! LibTomCrypt: `tests/vectors/generate.py`) and all checked against the JDK's and Bouncy
//! Castle's providers called the way Mule calls them (`tests/vectors/JceCrossCheck.java`).
//!
//! # Secrets
//!
//! Copies of the key (and the key-derived IV) are wiped when dropped, the cipher crates wipe
//! their key schedules, and no [`Error`] message ever contains the key, the plaintext or the
//! ciphertext. The plaintext returned by [`Cipher::decrypt`] is the caller's to protect (wrap
//! it in [`zeroize::Zeroizing`] if it should be wiped).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod algorithm;
mod engine;
mod error;

use std::fmt;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use zeroize::Zeroizing;

pub use algorithm::{Algorithm, KeyLengths, Mode};
pub use error::Error;

use engine::Direction;

/// Decoder for values read from files: standard alphabet, padding optional (as
/// `java.util.Base64`'s decoder), non-zero trailing bits tolerated.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// One `<secure-properties:encrypt>` setting: algorithm, mode, and `useRandomIVs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cipher {
    /// The block cipher (`algorithm="..."`, default AES).
    pub algorithm: Algorithm,
    /// The mode (`mode="..."`, default CBC).
    pub mode: Mode,
    /// `useRandomIVs="true"`: a random IV is prepended to each value. Ignored for ECB, as in
    /// Mule.
    pub random_iv: bool,
}

impl Default for Cipher {
    /// Mule's default: AES, CBC, IV taken from the key.
    fn default() -> Self {
        Cipher {
            algorithm: Algorithm::Aes,
            mode: Mode::Cbc,
            random_iv: false,
        }
    }
}

impl fmt::Display for Cipher {
    /// `AES/CBC/PKCS5Padding (fixed IV)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let iv = if !self.mode.uses_iv() {
            "no IV"
        } else if self.random_iv {
            "random IV"
        } else {
            "fixed IV"
        };
        write!(f, "{} ({iv})", self.transformation())
    }
}

impl Cipher {
    /// A cipher from its parts.
    pub fn new(algorithm: Algorithm, mode: Mode, random_iv: bool) -> Cipher {
        Cipher {
            algorithm,
            mode,
            random_iv,
        }
    }

    /// AES in CBC mode, with random IVs when the runtime offers them (Mule 3's
    /// `secure-property-placeholder` does not): the settings to move weak ones to.
    pub fn recommended(random_ivs_available: bool) -> Cipher {
        Cipher::new(Algorithm::Aes, Mode::Cbc, random_ivs_available)
    }

    /// Whether [`Cipher::recommended`] is stronger than these settings: a weak algorithm,
    /// ECB, or fixed IVs where random ones are available. A strong algorithm in another
    /// mode with random IVs is not.
    pub fn is_weaker_than_recommended(&self, random_ivs_available: bool) -> bool {
        self.algorithm.is_weak()
            || !self.mode.uses_iv()
            || (random_ivs_available && !self.random_iv)
    }

    /// A cipher from the attribute values of `<secure-properties:encrypt>`; `None` means the
    /// attribute is absent and takes Mule's default (AES, CBC, no random IVs).
    pub fn from_mule_attributes(
        algorithm: Option<&str>,
        mode: Option<&str>,
        use_random_ivs: bool,
    ) -> Result<Cipher, Error> {
        Ok(Cipher {
            algorithm: algorithm.map_or(Ok(Algorithm::Aes), Algorithm::parse)?,
            mode: mode.map_or(Ok(Mode::Cbc), Mode::parse)?,
            random_iv: use_random_ivs,
        })
    }

    /// The JCE transformation Mule uses, for example `AES/CBC/PKCS5Padding`.
    pub fn transformation(&self) -> String {
        format!(
            "{}/{}/PKCS5Padding",
            self.algorithm.name(),
            self.mode.name()
        )
    }

    /// Whether values carry their IV in front (random IVs, and a mode that uses an IV).
    fn iv_in_value(&self) -> bool {
        self.random_iv && self.mode.uses_iv()
    }

    /// Encrypts `plaintext` as Mule would, returning the base64 text that goes between
    /// `![` and `]`.
    ///
    /// With random IVs the IV comes from the operating system's generator, so the result
    /// differs on every call; otherwise it is deterministic.
    pub fn encrypt(&self, key: &[u8], plaintext: &[u8]) -> Result<String, Error> {
        if self.iv_in_value() {
            let mut iv = Zeroizing::new(vec![0u8; self.algorithm.block_size()]);
            getrandom::fill(&mut iv).map_err(|e| Error::RandomUnavailable(e.to_string()))?;
            self.encrypt_with_iv(key, &iv, plaintext)
        } else {
            self.encrypt_with_iv(key, &[], plaintext)
        }
    }

    /// Encrypts with a given IV, deterministically (for tests and reproducible vectors).
    ///
    /// With random IVs (and a mode other than ECB) `iv` must be one block long and stands for
    /// the random IV. Otherwise `iv` must be empty: ECB uses no IV, and a fixed IV is always
    /// the start of the key.
    pub fn encrypt_with_iv(
        &self,
        key: &[u8],
        iv: &[u8],
        plaintext: &[u8],
    ) -> Result<String, Error> {
        self.algorithm.check_key(key)?;
        let block = self.algorithm.block_size();
        let iv = if self.iv_in_value() {
            if iv.len() != block {
                return Err(Error::InvalidIvLength {
                    algorithm: self.algorithm.name(),
                    got: iv.len(),
                    expected: block,
                });
            }
            Zeroizing::new(iv.to_vec())
        } else if !iv.is_empty() {
            return Err(Error::IvNotUsed {
                transformation: self.to_string(),
            });
        } else {
            self.fixed_iv(key)
        };

        let mut data = pad(plaintext, block);
        engine::run(
            self.algorithm,
            key,
            self.mode,
            &iv,
            &mut data,
            Direction::Encrypt,
        )?;
        if self.iv_in_value() {
            let mut value = Vec::with_capacity(iv.len() + data.len());
            value.extend_from_slice(&iv);
            value.extend_from_slice(&data);
            Ok(STANDARD.encode(value))
        } else {
            Ok(STANDARD.encode(&*data))
        }
    }

    /// Decrypts the base64 text between `![` and `]` (see [`parse_encrypted_value`]).
    ///
    /// Surrounding whitespace is ignored and `=` padding is optional. A wrong key (or wrong
    /// algorithm, mode or random-IV setting) is reported as [`Error::WrongKeyOrCorrupt`] when
    /// the PKCS#5 padding check fails, which it does about 255 times in 256.
    pub fn decrypt(&self, key: &[u8], base64_ciphertext: &str) -> Result<Vec<u8>, Error> {
        self.with_key(key)?.decrypt(base64_ciphertext)
    }

    /// The cipher set up with `key`, to decrypt many values with it: the key schedule is
    /// computed once (for Blowfish it costs as much as decrypting about 500 blocks).
    pub fn with_key(&self, key: &[u8]) -> Result<KeyedCipher, Error> {
        self.algorithm.check_key(key)?;
        Ok(KeyedCipher {
            cipher: *self,
            fixed_iv: self.fixed_iv(key),
            engine: engine::keyed(self.algorithm, key)?,
        })
    }

    /// The IV Mule uses without random IVs: the first block of the key, zero-filled if the
    /// key is shorter (`Arrays.copyOfRange(key, 0, blockSize)`); empty for ECB.
    fn fixed_iv(&self, key: &[u8]) -> Zeroizing<Vec<u8>> {
        if !self.mode.uses_iv() {
            return Zeroizing::new(Vec::new());
        }
        let block = self.algorithm.block_size();
        let mut iv = Zeroizing::new(vec![0u8; block]);
        let n = block.min(key.len());
        iv[..n].copy_from_slice(&key[..n]);
        iv
    }
}

/// A [`Cipher`] with its key set up ([`Cipher::with_key`]). It holds the key schedule; the
/// key itself is not shown by `Debug`.
pub struct KeyedCipher {
    cipher: Cipher,
    /// The IV of values without one of their own (the start of the key; empty for ECB).
    fixed_iv: Zeroizing<Vec<u8>>,
    engine: engine::Keyed,
}

impl fmt::Debug for KeyedCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyedCipher")
            .field("cipher", &self.cipher)
            .finish_non_exhaustive()
    }
}

impl KeyedCipher {
    /// [`Cipher::decrypt`] with this key.
    pub fn decrypt(&self, base64_ciphertext: &str) -> Result<Vec<u8>, Error> {
        self.decrypt_decoded(&decode_value(base64_ciphertext)?)
    }

    /// [`KeyedCipher::decrypt`] of a value already decoded ([`decode_value`]): a caller
    /// trying many keys on one value decodes it once.
    pub fn decrypt_decoded(&self, raw: &[u8]) -> Result<Vec<u8>, Error> {
        let cipher = &self.cipher;
        let block = cipher.algorithm.block_size();
        let (iv, ciphertext) = if cipher.iv_in_value() {
            if raw.len() < 2 * block {
                return Err(Error::CiphertextTooShort {
                    got: raw.len(),
                    min: 2 * block,
                });
            }
            raw.split_at(block)
        } else {
            if raw.is_empty() {
                return Err(Error::CiphertextTooShort { got: 0, min: block });
            }
            (self.fixed_iv.as_slice(), raw)
        };
        if ciphertext.len() % block != 0 {
            return Err(Error::InvalidCiphertextLength {
                algorithm: cipher.algorithm.name(),
                block_size: block,
                got: ciphertext.len(),
            });
        }

        let mut data = Zeroizing::new(ciphertext.to_vec());
        self.engine
            .run(cipher.mode, iv, &mut data, Direction::Decrypt)?;
        let len = unpad(&data, block).ok_or(Error::WrongKeyOrCorrupt)?;
        let mut plaintext = std::mem::take(&mut *data);
        plaintext.truncate(len);
        Ok(plaintext)
    }
}

/// The bytes of the base64 text between `![` and `]`, as [`Cipher::decrypt`] reads them
/// (surrounding whitespace ignored, `=` padding optional).
pub fn decode_value(base64_ciphertext: &str) -> Result<Vec<u8>, Error> {
    LENIENT_BASE64
        .decode(base64_ciphertext.trim())
        .map_err(|_| Error::InvalidBase64)
}

/// PKCS#5 padding: 1 to `block` bytes, each equal to their count.
fn pad(plaintext: &[u8], block: usize) -> Zeroizing<Vec<u8>> {
    let n = block - plaintext.len() % block;
    let mut data = Zeroizing::new(Vec::with_capacity(plaintext.len() + n));
    data.extend_from_slice(plaintext);
    // `n` is at most the block size, 16.
    data.resize(plaintext.len() + n, n as u8);
    data
}

/// The plaintext length once valid PKCS#5 padding is removed, or `None` if the padding is not
/// valid (as the JCE checks it: last byte 1..=block, and all padding bytes equal to it).
fn unpad(data: &[u8], block: usize) -> Option<usize> {
    let n = usize::from(*data.last()?);
    if n == 0 || n > block || n > data.len() {
        return None;
    }
    let (text, padding) = data.split_at(data.len() - n);
    // Look at every padding byte, whatever they hold.
    let bad = padding.iter().fold(0u8, |acc, &b| acc | (b ^ n as u8));
    (bad == 0).then_some(text.len())
}

/// The base64 text of an encrypted property value: `![abc==]` gives `Some("abc==")`.
///
/// Whitespace around the value, and one pair of matching quotes around it (as a YAML or
/// `.properties` value may still carry), are ignored. Anything else that is not of the form
/// `![...]` gives `None`. The inner text is returned as is; [`Cipher::decrypt`] checks it.
pub fn parse_encrypted_value(s: &str) -> Option<&str> {
    let mut v = s.trim();
    for quote in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(quote) && v.ends_with(quote) {
            v = v[1..v.len() - 1].trim();
            break;
        }
    }
    v.strip_prefix("![")?.strip_suffix(']')
}

/// The decrypted bytes as text, if they are plausible as a property value: UTF-8 with no
/// control character other than tab, line feed and carriage return (a PEM key or a
/// certificate is a multi-line secret).
///
/// A wrong key passes the padding check about once in 256 tries ([`Cipher::decrypt`]); the
/// garbage it then gives is almost never such text. IG104 (does a committed key decrypt a
/// value?) and `intguard fix` (does the key given open the existing values?) use this same
/// test, so that they never disagree.
pub fn plausible_plaintext(bytes: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(bytes).ok()?;
    (!s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')))
    .then_some(s)
}

#[cfg(test)]
mod tests {
    /// What `--upgrade-encryption` changes: weak algorithms, ECB, fixed IVs
    /// where random ones exist; not a strong algorithm in another mode.
    #[test]
    fn weaker_than_recommended() {
        let c = Cipher::new;
        assert_eq!(
            Cipher::recommended(true),
            c(Algorithm::Aes, Mode::Cbc, true)
        );
        assert!(!Cipher::recommended(false).is_weaker_than_recommended(false));
        assert!(!Cipher::recommended(true).is_weaker_than_recommended(true));
        for (cipher, mule4, weaker) in [
            (c(Algorithm::Blowfish, Mode::Cbc, true), true, true),
            (c(Algorithm::Aes, Mode::Ecb, false), true, true),
            (c(Algorithm::Aes, Mode::Cbc, false), true, true),
            // Mule 3 has no random IVs: fixed ones are all it can do.
            (c(Algorithm::Aes, Mode::Cbc, false), false, false),
            (c(Algorithm::DesEde, Mode::Cbc, false), false, true),
            (c(Algorithm::Camellia, Mode::Cfb, true), true, false),
        ] {
            assert_eq!(
                cipher.is_weaker_than_recommended(mule4),
                weaker,
                "{cipher} {mule4}"
            );
        }
    }

    use super::{pad, plausible_plaintext, unpad, Algorithm, Cipher, Mode};

    #[test]
    fn plausible_plaintext_allows_line_breaks_not_other_controls() {
        let pem = "-----BEGIN PRIVATE KEY-----\r\nMIIB\nabc\tdef\n-----END PRIVATE KEY-----\n";
        assert_eq!(plausible_plaintext(pem.as_bytes()), Some(pem));
        assert_eq!(plausible_plaintext(b""), Some(""));
        assert_eq!(plausible_plaintext(b"\x07bell"), None);
        assert_eq!(plausible_plaintext(b"nul\x00"), None);
        assert_eq!(plausible_plaintext(b"esc\x1b[0m"), None);
        assert_eq!(plausible_plaintext(b"ff\x0c"), None);
        assert_eq!(plausible_plaintext(&[0xc3, 0x28]), None);
    }

    #[test]
    fn pkcs5_pads_one_to_a_whole_block() {
        assert_eq!(&*pad(b"", 8), &[8u8; 8]);
        assert_eq!(&*pad(b"1234567", 8), b"1234567\x01");
        assert_eq!(pad(b"12345678", 8).len(), 16);
        assert_eq!(pad(b"abc", 16).len(), 16);
    }

    #[test]
    fn pkcs5_unpad_checks_every_byte() {
        assert_eq!(unpad(b"1234567\x01", 8), Some(7));
        assert_eq!(unpad(&[8u8; 8], 8), Some(0));
        assert_eq!(unpad(b"12345\x03\x03\x03", 8), Some(5));
        assert_eq!(unpad(b"12345\x02\x03\x03", 8), None);
        assert_eq!(unpad(b"1234567\x00", 8), None);
        assert_eq!(unpad(b"1234567\x09", 8), None);
        assert_eq!(unpad(&[16u8; 16], 8), None);
        assert_eq!(unpad(b"", 8), None);
    }
}
