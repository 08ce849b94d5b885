//! Round trips for every algorithm, every accepted key length, every mode and IV setting,
//! which covers what no independent implementation could check (RC5/RC6 keys of 1 to 4
//! bytes) and the random IV path of `encrypt`.

use mule_secure_props::{Algorithm, Cipher, Mode};

fn key_of(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'!' + (i * 7 % 90) as u8).collect()
}

#[test]
fn every_key_length_round_trips_in_every_mode() {
    let plaintexts: [&[u8]; 4] = [
        b"",
        b"x",
        b"exactly-16-bytes",
        "pässwörd ✓ spanning blocks".as_bytes(),
    ];
    for &algorithm in Algorithm::ALL {
        let lengths = algorithm.valid_key_lengths();
        for len in (lengths.min()..=lengths.max()).filter(|&n| lengths.contains(n)) {
            let key = key_of(len);
            for &mode in Mode::ALL {
                for random_iv in [false, true] {
                    let cipher = Cipher::new(algorithm, mode, random_iv);
                    let plaintext = plaintexts[len % plaintexts.len()];
                    let value = cipher
                        .encrypt(&key, plaintext)
                        .unwrap_or_else(|e| panic!("{cipher} key {len}: {e}"));
                    let back = cipher
                        .decrypt(&key, &value)
                        .unwrap_or_else(|e| panic!("{cipher} key {len}: {e}"));
                    assert_eq!(back, plaintext, "{cipher} key {len}");
                }
            }
        }
    }
}

/// One keyed cipher decrypts value after value, in any order, as a fresh one does each: no
/// mode's chaining state or IV is carried from one value to the next.
#[test]
fn one_keyed_cipher_decrypts_many_values() {
    let plaintexts: [&[u8]; 3] = [
        b"first secret",
        b"x",
        "pässwörd ✓ spanning blocks".as_bytes(),
    ];
    for &algorithm in Algorithm::ALL {
        let key = key_of(algorithm.valid_key_lengths().max());
        for &mode in Mode::ALL {
            for random_iv in [false, true] {
                let cipher = Cipher::new(algorithm, mode, random_iv);
                let values: Vec<String> = plaintexts
                    .iter()
                    .map(|p| cipher.encrypt(&key, p).unwrap())
                    .collect();
                let keyed = cipher.with_key(&key).unwrap();
                for i in [0, 1, 2, 1, 0, 2, 2] {
                    let back = keyed
                        .decrypt(&values[i])
                        .unwrap_or_else(|e| panic!("{cipher} value {i}: {e}"));
                    assert_eq!(back, plaintexts[i], "{cipher} value {i}");
                }
                let other = key_of(algorithm.valid_key_lengths().min());
                if other != key {
                    // Another key's schedule does not open them (but for the ~1/256 of
                    // wrong keys that pass the padding check, whose output differs).
                    let wrong = cipher.with_key(&other).unwrap();
                    for (value, plain) in values.iter().zip(plaintexts) {
                        assert!(
                            wrong.decrypt(value).ok().as_deref() != Some(plain),
                            "{cipher}: a wrong key opened a value"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn ciphertext_is_whole_blocks_plus_iv() {
    use base64::Engine as _;
    for &algorithm in Algorithm::ALL {
        let key = key_of(algorithm.valid_key_lengths().max());
        let bs = algorithm.block_size();
        for &mode in Mode::ALL {
            for random_iv in [false, true] {
                let cipher = Cipher::new(algorithm, mode, random_iv);
                for len in 0..=2 * bs {
                    let value = cipher.encrypt(&key, &vec![b'a'; len]).unwrap();
                    let raw = base64::engine::general_purpose::STANDARD
                        .decode(&value)
                        .unwrap();
                    let iv = if random_iv && mode != Mode::Ecb {
                        bs
                    } else {
                        0
                    };
                    // PKCS#5 always adds 1..=bs bytes, in CFB and OFB too.
                    assert_eq!(raw.len(), iv + (len / bs + 1) * bs, "{cipher} {len}");
                }
            }
        }
    }
}

#[test]
fn random_ivs_differ_and_fixed_ivs_do_not() {
    let key = b"0123456789abcdef";
    let random = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    let a = random.encrypt(key, b"same").unwrap();
    let b = random.encrypt(key, b"same").unwrap();
    assert_ne!(a, b);
    assert_eq!(random.decrypt(key, &a).unwrap(), b"same");
    assert_eq!(random.decrypt(key, &b).unwrap(), b"same");

    let fixed = Cipher::default();
    assert_eq!(
        fixed.encrypt(key, b"same").unwrap(),
        fixed.encrypt(key, b"same").unwrap()
    );
    // ECB ignores the random-IV setting, as Mule does.
    let ecb_random = Cipher::new(Algorithm::Aes, Mode::Ecb, true);
    let ecb_fixed = Cipher::new(Algorithm::Aes, Mode::Ecb, false);
    assert_eq!(
        ecb_random.encrypt(key, b"same").unwrap(),
        ecb_fixed.encrypt(key, b"same").unwrap()
    );
}

#[test]
fn fixed_iv_is_the_key_prefix() {
    // With the fixed IV being the key's first block, encrypting with random IVs and that very
    // IV gives the fixed-IV ciphertext behind it.
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    for &algorithm in Algorithm::ALL {
        let lengths = algorithm.valid_key_lengths();
        let bs = algorithm.block_size();
        for len in [lengths.min(), lengths.max()] {
            let key = key_of(len);
            let mut iv = key.clone();
            iv.resize(bs, 0); // zero-filled when the key is shorter than a block
            iv.truncate(bs);
            for &mode in &[Mode::Cbc, Mode::Cfb, Mode::Ofb] {
                let fixed = Cipher::new(algorithm, mode, false)
                    .encrypt(&key, b"v")
                    .unwrap();
                let random = Cipher::new(algorithm, mode, true)
                    .encrypt_with_iv(&key, &iv, b"v")
                    .unwrap();
                let mut expected = iv.clone();
                expected.extend(engine.decode(&fixed).unwrap());
                assert_eq!(
                    engine.decode(&random).unwrap(),
                    expected,
                    "{algorithm}/{mode}"
                );
            }
        }
    }
}
