//! Runs one algorithm in one mode over whole blocks, in place. Padding, IVs and base64 are the
//! caller's business ([`crate::Cipher`]); this module only picks the RustCrypto types.

use cipher::common::InnerInit;
use cipher::consts::{U12, U16, U20, U24, U28, U32, U4, U8};
use cipher::{
    Array, BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt, InnerIvInit,
    KeyInit,
};
use zeroize::Zeroizing;

use crate::{Algorithm, Error, Mode};

/// Which way to run the cipher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Encrypt,
    Decrypt,
}

/// Encrypts or decrypts `data` (a whole number of blocks) in place.
///
/// `key` has been checked against [`Algorithm::valid_key_lengths`]; `iv` is one block long,
/// or empty for ECB.
pub(crate) fn run(
    algorithm: Algorithm,
    key: &[u8],
    mode: Mode,
    iv: &[u8],
    data: &mut [u8],
    dir: Direction,
) -> Result<(), Error> {
    debug_assert_eq!(data.len() % algorithm.block_size(), 0);
    let wrong_key = || Error::InvalidKeyLength {
        algorithm: algorithm.name(),
        got: key.len(),
        expected: algorithm.valid_key_lengths().to_string(),
    };
    let job = Job {
        algorithm,
        key,
        mode,
        iv,
        dir,
    };
    match algorithm {
        Algorithm::Aes => match key.len() {
            16 => job.run::<aes::Aes128>(data),
            24 => job.run::<aes::Aes192>(data),
            32 => job.run::<aes::Aes256>(data),
            _ => Err(wrong_key()),
        },
        Algorithm::Blowfish => {
            let key = blowfish_key(key);
            Job { key: &key, ..job }.run::<blowfish::Blowfish>(data)
        }
        Algorithm::Des => job.run::<des::Des>(data),
        Algorithm::DesEde => match key.len() {
            16 => job.run::<des::TdesEde2>(data),
            24 => job.run::<des::TdesEde3>(data),
            _ => Err(wrong_key()),
        },
        Algorithm::Camellia => match key.len() {
            16 => job.run::<camellia::Camellia128>(data),
            24 => job.run::<camellia::Camellia192>(data),
            32 => job.run::<camellia::Camellia256>(data),
            _ => Err(wrong_key()),
        },
        Algorithm::Cast5 => {
            let key = zero_padded(key, 5);
            Job { key: &key, ..job }.run::<cast5::Cast5>(data)
        }
        Algorithm::Cast6 => {
            let key = zero_padded(key, 32);
            Job { key: &key, ..job }.run::<cast6::Cast6>(data)
        }
        Algorithm::Twofish => job.run::<twofish::Twofish>(data),
        Algorithm::Serpent => {
            let key = serpent_key(key);
            Job { key: &key, ..job }.run::<serpent::Serpent>(data)
        }
        Algorithm::Rc2 => job.run::<rc2::Rc2>(data),
        Algorithm::Rc5 => run_rc5(&job, data).unwrap_or_else(|| Err(wrong_key())),
        Algorithm::Rc6 => run_rc6(&job, data).unwrap_or_else(|| Err(wrong_key())),
        Algorithm::Xtea => run_xtea_big_endian(&job, data),
    }
}

/// Blowfish XORs the key, read cyclically, into its 72-byte P-array, and uses it nowhere
/// else: a key of 1 to 3 bytes (which SunJCE takes, the `blowfish` crate does not) is the same
/// key as itself repeated to 12 bytes.
fn blowfish_key(key: &[u8]) -> Zeroizing<Vec<u8>> {
    if key.len() >= 4 || key.is_empty() {
        return Zeroizing::new(key.to_vec());
    }
    Zeroizing::new(key.iter().copied().cycle().take(12).collect())
}

/// Zero-fills a key up to `len` bytes. CAST-128 and CAST-256 define shorter keys as
/// zero-padded (CAST-128 choosing its 12 or 16 rounds on the length, and 1 to 5 bytes all
/// take 12), so this changes nothing but lets the crates accept them.
fn zero_padded(key: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    let mut padded = Zeroizing::new(key.to_vec());
    if padded.len() < len {
        padded.resize(len, 0);
    }
    padded
}

/// Serpent pads a key shorter than 256 bits with one 1 bit and then zeros; the padded
/// 32-byte key is an ordinary full-length key. Keys of 16 bytes or more go to the crate as
/// they are; shorter ones (4, 8, 12 bytes, which Bouncy Castle takes) are padded here.
fn serpent_key(key: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut padded = Zeroizing::new(key.to_vec());
    if key.len() < 16 {
        padded.resize(32, 0);
        padded[key.len()] = 0x01;
    }
    padded
}

/// Pads an RC5/RC6 key with zero bytes to whole 32-bit words.
///
/// RC5 and RC6 load the key into `c = ceil(b / 4)` little-endian words, the last one
/// zero-filled, and the key schedule depends on nothing else; so a key of `b` bytes and the
/// same key zero-padded to `4c` bytes give the same cipher. That lets a handful of fixed-size
/// RustCrypto types cover every length from 1 to 32.
fn word_padded(key: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut padded = Zeroizing::new(key.to_vec());
    padded.resize(key.len().div_ceil(4) * 4, 0);
    padded
}

/// RC5-32/12 (Bouncy Castle's `RC5`). `None` for a key longer than 32 bytes.
fn run_rc5(job: &Job<'_>, data: &mut [u8]) -> Option<Result<(), Error>> {
    use rc5::RC5;
    let key = word_padded(job.key);
    let job = Job { key: &key, ..*job };
    Some(match key.len() {
        4 => job.run::<RC5<u32, U12, U4>>(data),
        8 => job.run::<RC5<u32, U12, U8>>(data),
        12 => job.run::<RC5<u32, U12, U12>>(data),
        16 => job.run::<RC5<u32, U12, U16>>(data),
        20 => job.run::<RC5<u32, U12, U20>>(data),
        24 => job.run::<RC5<u32, U12, U24>>(data),
        28 => job.run::<RC5<u32, U12, U28>>(data),
        32 => job.run::<RC5<u32, U12, U32>>(data),
        _ => return None,
    })
}

/// RC6-32/20 (Bouncy Castle's `RC6`). `None` for a key longer than 32 bytes.
fn run_rc6(job: &Job<'_>, data: &mut [u8]) -> Option<Result<(), Error>> {
    use rc6::RC6;
    let key = word_padded(job.key);
    let job = Job { key: &key, ..*job };
    Some(match key.len() {
        4 => job.run::<RC6<u32, U20, U4>>(data),
        8 => job.run::<RC6<u32, U20, U8>>(data),
        12 => job.run::<RC6<u32, U20, U12>>(data),
        16 => job.run::<RC6<u32, U20, U16>>(data),
        20 => job.run::<RC6<u32, U20, U20>>(data),
        24 => job.run::<RC6<u32, U20, U24>>(data),
        28 => job.run::<RC6<u32, U20, U28>>(data),
        32 => job.run::<RC6<u32, U20, U32>>(data),
        _ => return None,
    })
}

/// Reverses the bytes of every 32-bit word.
fn swap_words(bytes: &mut [u8]) {
    for word in bytes.chunks_exact_mut(4) {
        word.reverse();
    }
}

/// XTEA as Bouncy Castle computes it: key and block words are big-endian there, while the
/// `xtea` crate reads them little-endian.
///
/// Reversing each 4-byte word is a fixed byte permutation `P` that commutes with XOR, so
/// `BC_K(x) = P(Rust_P(K)(P(x)))` carries over to every mode: run the crate on `P(key)`,
/// `P(iv)` and `P(data)`, then apply `P` to the result.
fn run_xtea_big_endian(job: &Job<'_>, data: &mut [u8]) -> Result<(), Error> {
    let mut key = Zeroizing::new(job.key.to_vec());
    swap_words(&mut key);
    let mut iv = Zeroizing::new(job.iv.to_vec());
    swap_words(&mut iv);
    swap_words(data);
    let result = Job {
        key: &key,
        iv: &iv,
        ..*job
    }
    .run::<xtea::Xtea>(data);
    swap_words(data);
    result
}

/// Everything but the algorithm type.
#[derive(Clone, Copy)]
struct Job<'a> {
    algorithm: Algorithm,
    key: &'a [u8],
    mode: Mode,
    iv: &'a [u8],
    dir: Direction,
}

impl Job<'_> {
    fn run<C>(&self, data: &mut [u8]) -> Result<(), Error>
    where
        C: KeyInit + BlockCipherEncrypt + BlockCipherDecrypt,
    {
        // Lengths were validated by the caller; this is the last line of defence.
        let cipher = C::new_from_slice(self.key).map_err(|_| Error::InvalidKeyLength {
            algorithm: self.algorithm.name(),
            got: self.key.len(),
            expected: self.algorithm.valid_key_lengths().to_string(),
        })?;
        let bad_iv = |_| Error::InvalidIvLength {
            algorithm: self.algorithm.name(),
            got: self.iv.len(),
            expected: self.algorithm.block_size(),
        };
        let (blocks, rest) = Array::<u8, C::BlockSize>::slice_as_chunks_mut(data);
        debug_assert!(rest.is_empty());
        match (self.mode, self.dir) {
            (Mode::Ecb, Direction::Encrypt) => {
                ecb::Encryptor::<C>::inner_init(cipher).encrypt_blocks(blocks)
            }
            (Mode::Ecb, Direction::Decrypt) => {
                ecb::Decryptor::<C>::inner_init(cipher).decrypt_blocks(blocks)
            }
            (Mode::Cbc, Direction::Encrypt) => {
                cbc::Encryptor::<C>::inner_iv_slice_init(cipher, self.iv)
                    .map_err(bad_iv)?
                    .encrypt_blocks(blocks)
            }
            (Mode::Cbc, Direction::Decrypt) => {
                cbc::Decryptor::<C>::inner_iv_slice_init(cipher, self.iv)
                    .map_err(bad_iv)?
                    .decrypt_blocks(blocks)
            }
            (Mode::Cfb, Direction::Encrypt) => {
                cfb_mode::Encryptor::<C>::inner_iv_slice_init(cipher, self.iv)
                    .map_err(bad_iv)?
                    .encrypt_blocks(blocks)
            }
            (Mode::Cfb, Direction::Decrypt) => {
                cfb_mode::Decryptor::<C>::inner_iv_slice_init(cipher, self.iv)
                    .map_err(bad_iv)?
                    .decrypt_blocks(blocks)
            }
            // OFB XORs the same keystream both ways.
            (Mode::Ofb, _) => ofb::OfbCore::<C>::inner_iv_slice_init(cipher, self.iv)
                .map_err(bad_iv)?
                .encrypt_blocks(blocks),
        }
        Ok(())
    }
}
