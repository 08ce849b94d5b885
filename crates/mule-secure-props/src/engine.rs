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
    keyed(algorithm, key)?.run(mode, iv, data, dir)
}

/// A block cipher with its key schedule computed, ready to run in any mode, any number of
/// times. Blowfish's schedule alone costs as much as encrypting about 500 blocks, and a
/// search for the key of a value tries one key on many short values.
pub(crate) struct Keyed {
    run: KeyedRun,
}

type KeyedRun = Box<dyn Fn(Mode, &[u8], &mut [u8], Direction) -> Result<(), Error> + Send + Sync>;

impl Keyed {
    /// Encrypts or decrypts `data` (a whole number of blocks) in place; `iv` is one block
    /// long, or empty for ECB.
    pub(crate) fn run(
        &self,
        mode: Mode,
        iv: &[u8],
        data: &mut [u8],
        dir: Direction,
    ) -> Result<(), Error> {
        (self.run)(mode, iv, data, dir)
    }
}

/// Sets up `algorithm` with `key` (checked against [`Algorithm::valid_key_lengths`]).
pub(crate) fn keyed(algorithm: Algorithm, key: &[u8]) -> Result<Keyed, Error> {
    let wrong_key = || algorithm.wrong_key_length(key.len());
    match algorithm {
        Algorithm::Aes => match key.len() {
            16 => keyed_with::<aes::Aes128>(algorithm, key),
            24 => keyed_with::<aes::Aes192>(algorithm, key),
            32 => keyed_with::<aes::Aes256>(algorithm, key),
            _ => Err(wrong_key()),
        },
        Algorithm::Blowfish => keyed_with::<blowfish::Blowfish>(algorithm, &blowfish_key(key)),
        Algorithm::Des => keyed_with::<des::Des>(algorithm, key),
        Algorithm::DesEde => match key.len() {
            16 => keyed_with::<des::TdesEde2>(algorithm, key),
            24 => keyed_with::<des::TdesEde3>(algorithm, key),
            _ => Err(wrong_key()),
        },
        Algorithm::Camellia => match key.len() {
            16 => keyed_with::<camellia::Camellia128>(algorithm, key),
            24 => keyed_with::<camellia::Camellia192>(algorithm, key),
            32 => keyed_with::<camellia::Camellia256>(algorithm, key),
            _ => Err(wrong_key()),
        },
        Algorithm::Cast5 => keyed_with::<cast5::Cast5>(algorithm, &zero_padded(key, 5)),
        Algorithm::Cast6 => keyed_with::<cast6::Cast6>(algorithm, &zero_padded(key, 32)),
        Algorithm::Twofish => keyed_with::<twofish::Twofish>(algorithm, key),
        Algorithm::Serpent => keyed_with::<serpent::Serpent>(algorithm, &serpent_key(key)),
        Algorithm::Rc2 => keyed_with::<rc2::Rc2>(algorithm, key),
        Algorithm::Rc5 => keyed_rc5(algorithm, key).unwrap_or_else(|| Err(wrong_key())),
        Algorithm::Rc6 => keyed_rc6(algorithm, key).unwrap_or_else(|| Err(wrong_key())),
        Algorithm::Xtea => keyed_xtea_big_endian(algorithm, key),
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
fn keyed_rc5(algorithm: Algorithm, key: &[u8]) -> Option<Result<Keyed, Error>> {
    use rc5::RC5;
    let key = word_padded(key);
    Some(match key.len() {
        4 => keyed_with::<RC5<u32, U12, U4>>(algorithm, &key),
        8 => keyed_with::<RC5<u32, U12, U8>>(algorithm, &key),
        12 => keyed_with::<RC5<u32, U12, U12>>(algorithm, &key),
        16 => keyed_with::<RC5<u32, U12, U16>>(algorithm, &key),
        20 => keyed_with::<RC5<u32, U12, U20>>(algorithm, &key),
        24 => keyed_with::<RC5<u32, U12, U24>>(algorithm, &key),
        28 => keyed_with::<RC5<u32, U12, U28>>(algorithm, &key),
        32 => keyed_with::<RC5<u32, U12, U32>>(algorithm, &key),
        _ => return None,
    })
}

/// RC6-32/20 (Bouncy Castle's `RC6`). `None` for a key longer than 32 bytes. The crate's
/// cipher cannot be copied: its schedule is computed for each run.
fn keyed_rc6(algorithm: Algorithm, key: &[u8]) -> Option<Result<Keyed, Error>> {
    use rc6::RC6;
    let key = word_padded(key);
    Some(match key.len() {
        4 => keyed_each_run::<RC6<u32, U20, U4>>(algorithm, key),
        8 => keyed_each_run::<RC6<u32, U20, U8>>(algorithm, key),
        12 => keyed_each_run::<RC6<u32, U20, U12>>(algorithm, key),
        16 => keyed_each_run::<RC6<u32, U20, U16>>(algorithm, key),
        20 => keyed_each_run::<RC6<u32, U20, U20>>(algorithm, key),
        24 => keyed_each_run::<RC6<u32, U20, U24>>(algorithm, key),
        28 => keyed_each_run::<RC6<u32, U20, U28>>(algorithm, key),
        32 => keyed_each_run::<RC6<u32, U20, U32>>(algorithm, key),
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
fn keyed_xtea_big_endian(algorithm: Algorithm, key: &[u8]) -> Result<Keyed, Error> {
    let mut key = Zeroizing::new(key.to_vec());
    swap_words(&mut key);
    // The crate's cipher cannot be copied (its schedule is cheap).
    let inner = keyed_each_run::<xtea::Xtea>(algorithm, key)?;
    Ok(Keyed {
        run: Box::new(move |mode, iv, data, dir| {
            let mut iv = Zeroizing::new(iv.to_vec());
            swap_words(&mut iv);
            swap_words(data);
            let result = inner.run(mode, &iv, data, dir);
            swap_words(data);
            result
        }),
    })
}

/// `C` set up with `key`, run by [`apply`] on a copy of its schedule each time (a mode
/// takes the cipher by value).
fn keyed_with<C>(algorithm: Algorithm, key: &[u8]) -> Result<Keyed, Error>
where
    C: KeyInit + BlockCipherEncrypt + BlockCipherDecrypt + Clone + Send + Sync + 'static,
{
    // Lengths were validated by the caller; this is the last line of defence.
    let cipher = C::new_from_slice(key).map_err(|_| algorithm.wrong_key_length(key.len()))?;
    Ok(Keyed {
        run: Box::new(move |mode, iv, data, dir| {
            apply(cipher.clone(), algorithm, mode, iv, data, dir)
        }),
    })
}

/// `C` set up with `key` anew on each run, for a cipher that cannot be copied.
fn keyed_each_run<C>(algorithm: Algorithm, key: Zeroizing<Vec<u8>>) -> Result<Keyed, Error>
where
    C: KeyInit + BlockCipherEncrypt + BlockCipherDecrypt + 'static,
{
    let wrong_key = move |got: usize| algorithm.wrong_key_length(got);
    C::new_from_slice(&key).map_err(|_| wrong_key(key.len()))?;
    Ok(Keyed {
        run: Box::new(move |mode, iv, data, dir| {
            let cipher = C::new_from_slice(&key).map_err(|_| wrong_key(key.len()))?;
            apply(cipher, algorithm, mode, iv, data, dir)
        }),
    })
}

/// Runs `cipher` in `mode` over `data` in place.
fn apply<C>(
    cipher: C,
    algorithm: Algorithm,
    mode: Mode,
    iv: &[u8],
    data: &mut [u8],
    dir: Direction,
) -> Result<(), Error>
where
    C: BlockCipherEncrypt + BlockCipherDecrypt,
{
    let bad_iv = |_| Error::InvalidIvLength {
        algorithm: algorithm.name(),
        got: iv.len(),
        expected: algorithm.block_size(),
    };
    let (blocks, rest) = Array::<u8, C::BlockSize>::slice_as_chunks_mut(data);
    debug_assert!(rest.is_empty());
    match (mode, dir) {
        (Mode::Ecb, Direction::Encrypt) => {
            ecb::Encryptor::<C>::inner_init(cipher).encrypt_blocks(blocks)
        }
        (Mode::Ecb, Direction::Decrypt) => {
            ecb::Decryptor::<C>::inner_init(cipher).decrypt_blocks(blocks)
        }
        (Mode::Cbc, Direction::Encrypt) => cbc::Encryptor::<C>::inner_iv_slice_init(cipher, iv)
            .map_err(bad_iv)?
            .encrypt_blocks(blocks),
        (Mode::Cbc, Direction::Decrypt) => cbc::Decryptor::<C>::inner_iv_slice_init(cipher, iv)
            .map_err(bad_iv)?
            .decrypt_blocks(blocks),
        (Mode::Cfb, Direction::Encrypt) => {
            cfb_mode::Encryptor::<C>::inner_iv_slice_init(cipher, iv)
                .map_err(bad_iv)?
                .encrypt_blocks(blocks)
        }
        (Mode::Cfb, Direction::Decrypt) => {
            cfb_mode::Decryptor::<C>::inner_iv_slice_init(cipher, iv)
                .map_err(bad_iv)?
                .decrypt_blocks(blocks)
        }
        // OFB XORs the same keystream both ways.
        (Mode::Ofb, _) => ofb::OfbCore::<C>::inner_iv_slice_init(cipher, iv)
            .map_err(bad_iv)?
            .encrypt_blocks(blocks),
    }
    Ok(())
}
