//! The one error type of this crate.
//!
//! Every message is meant to be shown to a person as is. None of them ever contains the key, an
//! IV derived from it, the plaintext or the ciphertext: only algorithm and mode names, lengths and
//! (for unknown names) the offending name itself, shortened.

/// Why an encrypt or decrypt call, or parsing an algorithm or mode name, failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The algorithm name is not one that Mule's secure properties accept.
    #[error(
        "unsupported encryption algorithm {0:?}: Mule secure properties accept AES (default), \
         Blowfish, DES, DESede, Camellia, CAST5, CAST6, Noekeon, Rijndael, SEED, Serpent, \
         Skipjack, TEA, Twofish, XTEA, RC2, RC5 and RC6"
    )]
    UnsupportedAlgorithm(String),

    /// A name Mule accepts, but that this crate cannot compute (no maintained Rust
    /// implementation); values encrypted with it cannot be decrypted or checked here.
    #[error(
        "encryption algorithm {0} is valid in Mule but not implemented by mule-secure-props \
         (no maintained Rust implementation); values encrypted with it cannot be decrypted here"
    )]
    AlgorithmNotImplemented(&'static str),

    /// The mode name is not one of Mule's modes.
    #[error("unsupported encryption mode {0:?}: Mule secure properties accept CBC (default), CFB, ECB and OFB")]
    UnsupportedMode(String),

    /// The key (the raw bytes of the key string) has a length the algorithm does not take.
    #[error(
        "invalid key length for {algorithm}: the key is {got} bytes long, {algorithm} needs \
         {expected} (the key is used as the raw bytes of the key string, without any derivation)"
    )]
    InvalidKeyLength {
        /// Mule name of the algorithm.
        algorithm: &'static str,
        /// Length of the key given, in bytes.
        got: usize,
        /// The lengths the algorithm accepts, in words (for example "16, 24 or 32 bytes").
        expected: String,
    },

    /// [`crate::Cipher::encrypt_with_iv`] was given an IV of the wrong length for a random-IV
    /// cipher.
    #[error("invalid IV length for {algorithm}: got {got} bytes, expected {expected} (one block)")]
    InvalidIvLength {
        /// Mule name of the algorithm.
        algorithm: &'static str,
        /// Length of the IV given.
        got: usize,
        /// The block size of the algorithm.
        expected: usize,
    },

    /// [`crate::Cipher::encrypt_with_iv`] was given an IV, but the cipher takes none from the
    /// caller: ECB uses no IV, and with `useRandomIVs="false"` the IV is derived from the key.
    #[error(
        "an IV was given but {transformation} takes none from the caller (ECB uses no IV; \
         without random IVs the IV is the first block of the key): pass an empty IV"
    )]
    IvNotUsed {
        /// The JCE transformation, for example `AES/ECB/PKCS5Padding (fixed IV)`.
        transformation: String,
    },

    /// The encrypted value is not valid standard base64.
    #[error(
        "the encrypted value is not valid base64 (standard alphabet A-Z a-z 0-9 + /, with '=' \
         padding); check that the value between ![ and ] was copied whole"
    )]
    InvalidBase64,

    /// The decoded value is shorter than the smallest possible ciphertext.
    #[error(
        "the encrypted value is too short: {got} bytes after base64 decoding, at least {min} \
         needed (one block of padded ciphertext, plus the IV when random IVs are used)"
    )]
    CiphertextTooShort {
        /// Decoded length.
        got: usize,
        /// Smallest length that could be valid.
        min: usize,
    },

    /// The ciphertext is not a whole number of blocks, so it was not produced by this
    /// algorithm with PKCS#5 padding.
    #[error(
        "the encrypted value is {got} bytes, not a multiple of the {algorithm} block size \
         ({block_size} bytes): it was encrypted with another algorithm, or is truncated"
    )]
    InvalidCiphertextLength {
        /// Mule name of the algorithm.
        algorithm: &'static str,
        /// Block size of the algorithm in bytes.
        block_size: usize,
        /// Length of the ciphertext (without the IV, when random IVs are used).
        got: usize,
    },

    /// Decryption ran, but the PKCS#5 padding at the end was not valid: the key, algorithm,
    /// mode or random-IV setting is not the one the value was encrypted with, or the value
    /// is corrupt.
    #[error(
        "decryption failed: wrong key, or wrong algorithm/mode/random-IV setting, or a corrupt \
         value (the PKCS#5 padding check failed)"
    )]
    WrongKeyOrCorrupt,

    /// The operating system's random number generator could not provide an IV.
    #[error("could not get random bytes for the IV from the operating system: {0}")]
    RandomUnavailable(String),
}
