//! Algorithms and modes, named as Mule names them.

use std::fmt;

use crate::Error;

/// Longest unknown name echoed back in an error message.
const MAX_ECHOED_NAME: usize = 40;

/// Shortens a name that did not parse before it goes into an error message.
fn echo(name: &str) -> String {
    name.chars().take(MAX_ECHOED_NAME).collect()
}

/// Names Mule accepts for which this crate has no implementation, because no maintained
/// RustCrypto crate exists (RSA is in Mule's enum too, but is not a symmetric cipher).
const NOT_IMPLEMENTED: &[&str] = &["Noekeon", "SEED", "Skipjack", "TEA", "RSA"];

/// A block cipher of Mule's secure properties (`<secure-properties:encrypt algorithm="...">`).
///
/// Every algorithm is used as the JCE transformation `NAME/MODE/PKCS5Padding` with the raw
/// bytes of the key string as key. AES, Blowfish, DES, DESede and RC2 are served by the JDK's
/// own provider (SunJCE); the others by Bouncy Castle, which Mule registers after it. The
/// results of every algorithm here were checked against both (see `tests/vectors/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// AES (Mule's default). `Rijndael` parses to this too: Bouncy Castle's Rijndael with its
    /// default 128-bit block is AES.
    Aes,
    /// Blowfish, big-endian as in the JDK.
    Blowfish,
    /// Single DES.
    Des,
    /// Triple DES (EDE).
    DesEde,
    /// Camellia.
    Camellia,
    /// CAST-128 (RFC 2144).
    Cast5,
    /// CAST-256 (RFC 2612).
    Cast6,
    /// Twofish.
    Twofish,
    /// Serpent, in the standard (NESSIE) byte order that Bouncy Castle uses since 1.51.
    Serpent,
    /// RC2 (RFC 2268), effective key bits = key length in bits, as SunJCE does.
    Rc2,
    /// RC5-32/12 (32-bit words, 12 rounds, 64-bit block): Bouncy Castle's `RC5`.
    Rc5,
    /// RC6-32/20 (32-bit words, 20 rounds, 128-bit block): Bouncy Castle's `RC6`.
    Rc6,
    /// XTEA, 32 cycles, big-endian words as in Bouncy Castle.
    Xtea,
}

/// The key lengths an algorithm accepts, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLengths {
    /// Exactly one of these lengths.
    OneOf(&'static [usize]),
    /// Any length from `min` to `max`, both included.
    Range {
        /// Shortest key, in bytes.
        min: usize,
        /// Longest key, in bytes.
        max: usize,
    },
}

impl KeyLengths {
    /// Whether a key of `len` bytes is accepted.
    pub fn contains(&self, len: usize) -> bool {
        match *self {
            KeyLengths::OneOf(lengths) => lengths.contains(&len),
            KeyLengths::Range { min, max } => (min..=max).contains(&len),
        }
    }

    /// The shortest accepted length.
    pub fn min(&self) -> usize {
        match *self {
            KeyLengths::OneOf(lengths) => lengths.iter().copied().min().unwrap_or(0),
            KeyLengths::Range { min, .. } => min,
        }
    }

    /// The longest accepted length.
    pub fn max(&self) -> usize {
        match *self {
            KeyLengths::OneOf(lengths) => lengths.iter().copied().max().unwrap_or(0),
            KeyLengths::Range { max, .. } => max,
        }
    }
}

impl fmt::Display for KeyLengths {
    /// `16, 24 or 32 bytes`, `8 bytes`, `4 to 56 bytes`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            KeyLengths::OneOf(lengths) => {
                for (i, len) in lengths.iter().enumerate() {
                    if i > 0 {
                        let sep = if i + 1 == lengths.len() { " or " } else { ", " };
                        f.write_str(sep)?;
                    }
                    write!(f, "{len}")?;
                }
                f.write_str(" bytes")
            }
            KeyLengths::Range { min, max } => write!(f, "{min} to {max} bytes"),
        }
    }
}

impl Algorithm {
    /// Every algorithm this crate implements, in Mule's order.
    pub const ALL: &'static [Algorithm] = &[
        Algorithm::Aes,
        Algorithm::Blowfish,
        Algorithm::Des,
        Algorithm::DesEde,
        Algorithm::Camellia,
        Algorithm::Cast5,
        Algorithm::Cast6,
        Algorithm::Serpent,
        Algorithm::Twofish,
        Algorithm::Xtea,
        Algorithm::Rc2,
        Algorithm::Rc5,
        Algorithm::Rc6,
    ];

    /// Parses a Mule algorithm name, ignoring case and surrounding whitespace.
    ///
    /// `Rijndael` gives [`Algorithm::Aes`]. Names Mule accepts but this crate cannot compute
    /// (Noekeon, SEED, Skipjack, TEA) give [`Error::AlgorithmNotImplemented`]; anything else
    /// [`Error::UnsupportedAlgorithm`].
    pub fn parse(name: &str) -> Result<Algorithm, Error> {
        let trimmed = name.trim();
        if trimmed.eq_ignore_ascii_case("Rijndael") {
            return Ok(Algorithm::Aes);
        }
        if let Some(found) = Algorithm::ALL
            .iter()
            .find(|a| a.name().eq_ignore_ascii_case(trimmed))
        {
            return Ok(*found);
        }
        if let Some(known) = NOT_IMPLEMENTED
            .iter()
            .find(|n| n.eq_ignore_ascii_case(trimmed))
        {
            return Err(Error::AlgorithmNotImplemented(known));
        }
        Err(Error::UnsupportedAlgorithm(echo(trimmed)))
    }

    /// The name as Mule (and the JCE) spell it: `AES`, `Blowfish`, `DESede`, `CAST5` ...
    pub fn name(&self) -> &'static str {
        match self {
            Algorithm::Aes => "AES",
            Algorithm::Blowfish => "Blowfish",
            Algorithm::Des => "DES",
            Algorithm::DesEde => "DESede",
            Algorithm::Camellia => "Camellia",
            Algorithm::Cast5 => "CAST5",
            Algorithm::Cast6 => "CAST6",
            Algorithm::Twofish => "Twofish",
            Algorithm::Serpent => "Serpent",
            Algorithm::Rc2 => "RC2",
            Algorithm::Rc5 => "RC5",
            Algorithm::Rc6 => "RC6",
            Algorithm::Xtea => "XTEA",
        }
    }

    /// Block size in bytes: also the length of the IV and the unit of PKCS#5 padding.
    pub fn block_size(&self) -> usize {
        match self {
            Algorithm::Aes
            | Algorithm::Camellia
            | Algorithm::Cast6
            | Algorithm::Twofish
            | Algorithm::Serpent
            | Algorithm::Rc6 => 16,
            Algorithm::Blowfish
            | Algorithm::Des
            | Algorithm::DesEde
            | Algorithm::Cast5
            | Algorithm::Rc2
            | Algorithm::Rc5
            | Algorithm::Xtea => 8,
        }
    }

    /// The key lengths (in bytes of the key string) this crate accepts for the algorithm.
    ///
    /// These are the lengths Java accepts in a Mule runtime (the JDK's providers first, then
    /// Bouncy Castle), checked against OpenJDK 17 and Bouncy Castle 1.72, except where noted:
    /// - AES, Camellia, Twofish: 16, 24 or 32 bytes. Rijndael in Bouncy Castle also takes 20
    ///   and 28 (which is no longer AES); those are not supported.
    /// - Blowfish: 1 to 56 bytes (SunJCE; the key schedule cycles through the key).
    /// - DES: exactly 8 bytes. XTEA: exactly 16.
    /// - DESede: 24 bytes (three-key), or 16 (two-key, K1 K2 K1). Mule asks for the block size
    ///   before initialising the cipher, which pins SunJCE, and SunJCE takes only 24 bytes: so
    ///   a 16-byte key works in Mule only in ECB (where Bouncy Castle takes over). Accepting
    ///   it in every mode only matters when decrypting, and does no harm there.
    /// - RC2: 1 to 128 bytes; the same remark holds: SunJCE needs 5 or more, so Mule takes 1 to
    ///   4 bytes only in ECB. Effective key bits are always 8 times the key length.
    /// - CAST5: 1 to 16 bytes (shorter keys are zero-padded, and up to 10 bytes use 12 rounds).
    /// - CAST6: 1 to 32 bytes (zero-padded to 32). Bouncy Castle also takes 33 to 64 bytes;
    ///   those are not supported.
    /// - Serpent: 4 to 32 bytes in steps of 4 (Bouncy Castle needs whole 32-bit words).
    /// - RC5 and RC6: 1 to 32 bytes. Bouncy Castle takes longer keys; those are not supported.
    pub fn valid_key_lengths(&self) -> KeyLengths {
        const AES: &[usize] = &[16, 24, 32];
        const SERPENT: &[usize] = &[4, 8, 12, 16, 20, 24, 28, 32];
        match self {
            Algorithm::Aes | Algorithm::Camellia | Algorithm::Twofish => KeyLengths::OneOf(AES),
            Algorithm::Blowfish => KeyLengths::Range { min: 1, max: 56 },
            Algorithm::Des => KeyLengths::OneOf(&[8]),
            Algorithm::DesEde => KeyLengths::OneOf(&[16, 24]),
            Algorithm::Cast5 => KeyLengths::Range { min: 1, max: 16 },
            Algorithm::Cast6 => KeyLengths::Range { min: 1, max: 32 },
            Algorithm::Serpent => KeyLengths::OneOf(SERPENT),
            Algorithm::Rc2 => KeyLengths::Range { min: 1, max: 128 },
            Algorithm::Rc5 | Algorithm::Rc6 => KeyLengths::Range { min: 1, max: 32 },
            Algorithm::Xtea => KeyLengths::OneOf(&[16]),
        }
    }

    /// Whether the algorithm is considered weak today, whatever the key.
    ///
    /// - DES: a 56-bit key, found by exhaustive search in hours.
    /// - DESede: 64-bit block (Sweet32 birthday attacks after about 32 GB under one key) and
    ///   112-bit security at best; NIST disallowed it for encryption after 2023.
    /// - Blowfish, CAST5, RC2, RC5 (as RC5-32), XTEA: 64-bit blocks (Sweet32), and RC2, RC5-32/12
    ///   and XTEA also have published related-key or differential attacks. None is an
    ///   approved cipher.
    ///
    /// AES, Camellia, CAST6, Serpent, Twofish and RC6 (128-bit blocks, at least 128-bit keys)
    /// are not weak as algorithms. Note that the Mule scheme itself is weak whatever the
    /// algorithm: no integrity protection, and with fixed IVs equal plaintexts give equal
    /// ciphertexts; see the crate documentation.
    pub fn is_weak(&self) -> bool {
        match self {
            Algorithm::Des
            | Algorithm::DesEde
            | Algorithm::Blowfish
            | Algorithm::Cast5
            | Algorithm::Rc2
            | Algorithm::Rc5
            | Algorithm::Xtea => true,
            Algorithm::Aes
            | Algorithm::Camellia
            | Algorithm::Cast6
            | Algorithm::Serpent
            | Algorithm::Twofish
            | Algorithm::Rc6 => false,
        }
    }

    /// Checks a key's length, with an error naming the algorithm and the accepted lengths.
    pub(crate) fn check_key(&self, key: &[u8]) -> Result<(), Error> {
        if self.valid_key_lengths().contains(key.len()) {
            Ok(())
        } else {
            Err(self.wrong_key_length(key.len()))
        }
    }

    /// The error for a key of `got` bytes, naming the algorithm and the accepted lengths.
    pub(crate) fn wrong_key_length(&self, got: usize) -> Error {
        Error::InvalidKeyLength {
            algorithm: self.name(),
            got,
            expected: self.valid_key_lengths().to_string(),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Algorithm::parse(s)
    }
}

/// A block cipher mode of Mule's secure properties (`mode="..."`).
///
/// CFB and OFB are the full-block variants (the JCE's `CFB` and `OFB` without a bit count
/// feed back a whole block), and, as in the JCE with `PKCS5Padding`, the plaintext is padded
/// to whole blocks in every mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// Cipher block chaining (Mule's default).
    Cbc,
    /// Cipher feedback, full block.
    Cfb,
    /// Electronic codebook: no IV, equal blocks encrypt equally.
    Ecb,
    /// Output feedback, full block.
    Ofb,
}

impl Mode {
    /// Every mode, in Mule's order.
    pub const ALL: &'static [Mode] = &[Mode::Cbc, Mode::Cfb, Mode::Ecb, Mode::Ofb];

    /// Parses a mode name, ignoring case and surrounding whitespace.
    pub fn parse(name: &str) -> Result<Mode, Error> {
        let trimmed = name.trim();
        Mode::ALL
            .iter()
            .find(|m| m.name().eq_ignore_ascii_case(trimmed))
            .copied()
            .ok_or_else(|| Error::UnsupportedMode(echo(trimmed)))
    }

    /// `CBC`, `CFB`, `ECB` or `OFB`.
    pub fn name(&self) -> &'static str {
        match self {
            Mode::Cbc => "CBC",
            Mode::Cfb => "CFB",
            Mode::Ecb => "ECB",
            Mode::Ofb => "OFB",
        }
    }

    /// Whether the mode uses an IV (all but ECB).
    pub fn uses_iv(&self) -> bool {
        !matches!(self, Mode::Ecb)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Mode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mode::parse(s)
    }
}
