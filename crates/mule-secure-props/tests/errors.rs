//! Failures: wrong keys, bad lengths, bad base64, unknown names, and that no message ever
//! carries the key or the plaintext.

use mule_secure_props::{parse_encrypted_value, Algorithm, Cipher, Error, KeyLengths, Mode};

const KEY: &[u8] = b"K3y-0f-the-Test!";
const OTHER_KEY: &[u8] = b"another-16b-key!";
const LUCKY_WRONG_KEY: &[u8] = OTHER_KEY;
const WRONG_KEY: &[u8] = b"WRONG-KEY-0";
const PLAINTEXT: &[u8] = b"Sup3rS3cretPassw0rd";

/// Encrypts deterministically (a fixed stand-in for the random IV).
fn encrypt_fixed(cipher: &Cipher, key: &[u8], plaintext: &[u8]) -> String {
    let iv = vec![0x5a; cipher.algorithm.block_size()];
    let iv: &[u8] = if cipher.random_iv && cipher.mode != Mode::Ecb {
        &iv
    } else {
        &[]
    };
    cipher.encrypt_with_iv(key, iv, plaintext).unwrap()
}

/// A key of `n` bytes cut from `text` repeated.
fn key_from(text: &[u8], n: usize) -> Vec<u8> {
    text.iter().copied().cycle().take(n).collect()
}

#[test]
fn wrong_key_fails_the_padding_check() {
    // All inputs are fixed, so the outcome is too: with this wrong key the decrypted padding
    // is invalid in every algorithm, mode and IV setting. (Any wrong key passes the check by
    // chance about once in 256 tries; see the next test.)
    for &algorithm in Algorithm::ALL {
        let lengths = algorithm.valid_key_lengths();
        let n = if lengths.contains(16) {
            16
        } else {
            lengths.max()
        };
        let key = key_from(KEY, n);
        let wrong = key_from(WRONG_KEY, n);
        for &mode in Mode::ALL {
            for random_iv in [false, true] {
                let cipher = Cipher::new(algorithm, mode, random_iv);
                let value = encrypt_fixed(&cipher, &key, PLAINTEXT);
                assert_eq!(
                    cipher.decrypt(&wrong, &value),
                    Err(Error::WrongKeyOrCorrupt),
                    "{cipher}"
                );
            }
        }
    }
}

#[test]
fn a_wrong_key_can_pass_the_padding_check_and_give_garbage() {
    // The one in 256: this pair of keys happens to leave a valid 0x01 pad byte.
    let cipher = Cipher::new(Algorithm::Blowfish, Mode::Ofb, false);
    let value = encrypt_fixed(&cipher, &KEY[..16], PLAINTEXT);
    let garbage = cipher.decrypt(LUCKY_WRONG_KEY, &value).unwrap();
    assert_ne!(garbage, PLAINTEXT);
}

#[test]
fn wrong_algorithm_or_mode_fails_too() {
    let value = Cipher::default().encrypt(KEY, PLAINTEXT).unwrap();
    let camellia = Cipher::new(Algorithm::Camellia, Mode::Cbc, false);
    assert_eq!(camellia.decrypt(KEY, &value), Err(Error::WrongKeyOrCorrupt));
    let ecb = Cipher::new(Algorithm::Aes, Mode::Ecb, false);
    assert_eq!(ecb.decrypt(KEY, &value), Err(Error::WrongKeyOrCorrupt));
}

#[test]
fn a_64_bit_cipher_rejects_a_value_of_odd_blocks() {
    // 24 bytes: whole 8-byte blocks, but not whole 16-byte AES blocks.
    let value = Cipher::new(Algorithm::Blowfish, Mode::Cbc, false)
        .encrypt(b"mulesoft", b"some value to encrypt")
        .unwrap();
    let err = Cipher::default().decrypt(KEY, &value).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidCiphertextLength {
            algorithm: "AES",
            block_size: 16,
            got: 24
        }
    );
    assert!(err.to_string().contains("block size"), "{err}");
}

#[test]
fn wrong_key_length_names_the_algorithm_and_the_lengths() {
    let err = Cipher::default()
        .encrypt(b"too short", PLAINTEXT)
        .unwrap_err();
    assert_eq!(
        err,
        Error::InvalidKeyLength {
            algorithm: "AES",
            got: 9,
            expected: "16, 24 or 32 bytes".to_owned()
        }
    );
    let msg = err.to_string();
    assert!(msg.contains("AES") && msg.contains("16, 24 or 32 bytes") && msg.contains('9'));

    let blowfish = Cipher::new(Algorithm::Blowfish, Mode::Cbc, false);
    let msg = blowfish
        .decrypt(&[b'k'; 57], "AAAAAAAAAAA=")
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("Blowfish") && msg.contains("1 to 56 bytes"),
        "{msg}"
    );

    let des = Cipher::new(Algorithm::Des, Mode::Cbc, false);
    let msg = des.encrypt(b"1234567", PLAINTEXT).unwrap_err().to_string();
    assert!(msg.contains("DES") && msg.contains("8 bytes"), "{msg}");

    let tdes = Cipher::new(Algorithm::DesEde, Mode::Cbc, false);
    let msg = tdes
        .encrypt(&[b'k'; 20], PLAINTEXT)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("DESede") && msg.contains("16 or 24 bytes"),
        "{msg}"
    );

    assert!(Cipher::new(Algorithm::Aes, Mode::Cbc, false)
        .encrypt(b"", b"x")
        .is_err());
}

#[test]
fn every_algorithm_rejects_lengths_outside_its_range() {
    for &algorithm in Algorithm::ALL {
        let lengths = algorithm.valid_key_lengths();
        for len in 0..=lengths.max() + 1 {
            let key = vec![b'k'; len];
            let result = Cipher::new(algorithm, Mode::Cbc, false).encrypt(&key, b"x");
            if lengths.contains(len) {
                assert!(result.is_ok(), "{algorithm} {len}: {result:?}");
            } else {
                match result {
                    Err(Error::InvalidKeyLength {
                        algorithm: name,
                        got,
                        expected,
                    }) => {
                        assert_eq!(name, algorithm.name());
                        assert_eq!(got, len);
                        assert_eq!(expected, lengths.to_string());
                    }
                    other => panic!("{algorithm} {len}: {other:?}"),
                }
            }
        }
    }
}

#[test]
fn key_lengths_read_well() {
    assert_eq!(KeyLengths::OneOf(&[8]).to_string(), "8 bytes");
    assert_eq!(KeyLengths::OneOf(&[16, 24]).to_string(), "16 or 24 bytes");
    assert_eq!(
        KeyLengths::Range { min: 1, max: 56 }.to_string(),
        "1 to 56 bytes"
    );
    assert_eq!(
        Algorithm::Serpent.valid_key_lengths().to_string(),
        "4, 8, 12, 16, 20, 24, 28 or 32 bytes"
    );
}

#[test]
fn bad_base64() {
    let cipher = Cipher::default();
    for bad in [
        "not base64!",
        "w9oK TqKT",
        "w9oKTqKTtvBuRUVbhQP/qw==x",
        "====",
        "w9oK\u{e9}",
    ] {
        assert_eq!(
            cipher.decrypt(KEY, bad),
            Err(Error::InvalidBase64),
            "{bad:?}"
        );
    }
    // Java's decoder takes values without '=' padding, and surrounding whitespace is fine.
    assert_eq!(
        cipher
            .decrypt(b"1234567890123456", " w9oKTqKTtvBuRUVbhQP/qw\n")
            .unwrap(),
        b"1234"
    );
}

#[test]
fn too_short_values() {
    let cipher = Cipher::default();
    assert_eq!(
        cipher.decrypt(KEY, ""),
        Err(Error::CiphertextTooShort { got: 0, min: 16 })
    );
    let random = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    // 16 bytes: an IV and nothing after it.
    assert_eq!(
        random.decrypt(KEY, "w9oKTqKTtvBuRUVbhQP/qw=="),
        Err(Error::CiphertextTooShort { got: 16, min: 32 })
    );
    assert_eq!(
        cipher.decrypt(KEY, "AAAA"),
        Err(Error::InvalidCiphertextLength {
            algorithm: "AES",
            block_size: 16,
            got: 3
        })
    );
}

#[test]
fn iv_arguments_are_checked() {
    let random = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    assert_eq!(
        random.encrypt_with_iv(KEY, &[0; 8], PLAINTEXT),
        Err(Error::InvalidIvLength {
            algorithm: "AES",
            got: 8,
            expected: 16
        })
    );
    for cipher in [
        Cipher::default(),
        Cipher::new(Algorithm::Aes, Mode::Ecb, true),
    ] {
        assert!(matches!(
            cipher.encrypt_with_iv(KEY, &[0; 16], PLAINTEXT),
            Err(Error::IvNotUsed { .. })
        ));
    }
}

#[test]
fn unsupported_and_unimplemented_algorithms() {
    assert_eq!(
        Algorithm::parse("ROT13"),
        Err(Error::UnsupportedAlgorithm("ROT13".to_owned()))
    );
    let msg = Algorithm::parse("ROT13").unwrap_err().to_string();
    assert!(msg.contains("ROT13") && msg.contains("Blowfish"), "{msg}");
    for name in ["TEA", "seed", "Noekeon", "SKIPJACK"] {
        match Algorithm::parse(name) {
            Err(Error::AlgorithmNotImplemented(n)) => assert!(n.eq_ignore_ascii_case(name)),
            other => panic!("{name}: {other:?}"),
        }
    }
    // Unknown names are echoed shortened: a value put in the wrong attribute stays short.
    let long = "x".repeat(500);
    let msg = Algorithm::parse(&long).unwrap_err().to_string();
    assert!(msg.len() < 400, "{msg}");

    assert_eq!(
        Mode::parse("GCM"),
        Err(Error::UnsupportedMode("GCM".to_owned()))
    );
    assert!(Cipher::from_mule_attributes(Some("AES"), Some("CTR"), false).is_err());
    assert!(Cipher::from_mule_attributes(Some("RC4"), None, false).is_err());
}

#[test]
fn names_parse_case_insensitively() {
    for &algorithm in Algorithm::ALL {
        assert_eq!(Algorithm::parse(algorithm.name()), Ok(algorithm));
        assert_eq!(
            Algorithm::parse(&algorithm.name().to_lowercase()),
            Ok(algorithm)
        );
        assert_eq!(
            Algorithm::parse(&algorithm.name().to_uppercase()),
            Ok(algorithm)
        );
        assert_eq!(algorithm.to_string(), algorithm.name());
    }
    assert_eq!(Algorithm::parse(" Rijndael "), Ok(Algorithm::Aes));
    assert_eq!(Algorithm::parse("desede"), Ok(Algorithm::DesEde));
    for &mode in Mode::ALL {
        assert_eq!(Mode::parse(&mode.name().to_lowercase()), Ok(mode));
        assert_eq!("cbc".parse::<Mode>(), Ok(Mode::Cbc));
    }
    assert_eq!(
        Cipher::new(Algorithm::Cast5, Mode::Ofb, true).to_string(),
        "CAST5/OFB/PKCS5Padding (random IV)"
    );
    assert_eq!(
        Cipher::default().to_string(),
        "AES/CBC/PKCS5Padding (fixed IV)"
    );
}

#[test]
fn block_sizes_and_weakness() {
    assert_eq!(Algorithm::Aes.block_size(), 16);
    assert_eq!(Algorithm::Blowfish.block_size(), 8);
    assert_eq!(Algorithm::DesEde.block_size(), 8);
    assert_eq!(Algorithm::Rc6.block_size(), 16);
    for weak in [
        Algorithm::Des,
        Algorithm::DesEde,
        Algorithm::Blowfish,
        Algorithm::Rc2,
        Algorithm::Cast5,
        Algorithm::Rc5,
        Algorithm::Xtea,
    ] {
        assert!(weak.is_weak(), "{weak}");
        assert_eq!(
            weak.block_size(),
            8,
            "{weak}: every weak one has a 64-bit block"
        );
    }
    for strong in [
        Algorithm::Aes,
        Algorithm::Camellia,
        Algorithm::Serpent,
        Algorithm::Twofish,
        Algorithm::Cast6,
        Algorithm::Rc6,
    ] {
        assert!(!strong.is_weak(), "{strong}");
    }
}

#[test]
fn parse_encrypted_values() {
    assert_eq!(parse_encrypted_value("![abc==]"), Some("abc=="));
    assert_eq!(parse_encrypted_value("  ![abc==]\n"), Some("abc=="));
    assert_eq!(parse_encrypted_value("\"![abc==]\""), Some("abc=="));
    assert_eq!(parse_encrypted_value("'![abc==]'"), Some("abc=="));
    assert_eq!(parse_encrypted_value(" \" ![abc==] \" "), Some("abc=="));
    assert_eq!(parse_encrypted_value("![]"), Some(""));
    assert_eq!(parse_encrypted_value("abc=="), None);
    assert_eq!(parse_encrypted_value("![abc=="), None);
    assert_eq!(parse_encrypted_value("[abc==]"), None);
    assert_eq!(parse_encrypted_value("!abc==]"), None);
    assert_eq!(parse_encrypted_value("\"![abc==]'"), None);
    assert_eq!(parse_encrypted_value("${secure::db.password}"), None);
    assert_eq!(parse_encrypted_value(""), None);
    assert_eq!(parse_encrypted_value("\""), None);
}

/// Every error a caller can provoke with this key and plaintext, as text.
fn all_error_texts(key: &[u8], plaintext: &[u8]) -> Vec<String> {
    let mut errors: Vec<Error> = Vec::new();
    for &algorithm in Algorithm::ALL {
        for &mode in Mode::ALL {
            for random_iv in [false, true] {
                let cipher = Cipher::new(algorithm, mode, random_iv);
                let Ok(value) = cipher.encrypt(key, plaintext) else {
                    errors.push(cipher.encrypt(key, plaintext).unwrap_err());
                    continue;
                };
                errors.extend(cipher.decrypt(OTHER_KEY, &value).err());
                errors.extend(cipher.decrypt(key, &value[1..]).err());
                errors.extend(cipher.decrypt(key, "!!!").err());
                errors.extend(cipher.decrypt(&key[..key.len() - 1], &value).err());
                errors.extend(cipher.encrypt_with_iv(key, key, plaintext).err());
            }
        }
    }
    errors.extend(Algorithm::parse("nope").err());
    errors.extend(Mode::parse("nope").err());
    errors
        .iter()
        .flat_map(|e| [e.to_string(), format!("{e:?}")])
        .collect()
}

#[test]
fn errors_never_contain_the_key_or_the_plaintext() {
    let texts = all_error_texts(KEY, PLAINTEXT);
    assert!(texts.len() > 100);
    let key = std::str::from_utf8(KEY).unwrap();
    let plaintext = std::str::from_utf8(PLAINTEXT).unwrap();
    for text in &texts {
        assert!(!text.contains(key), "key in: {text}");
        // Nor any 8-byte piece of the key (the fixed IV is the key's first block).
        for piece in KEY.windows(8) {
            assert!(
                !text.contains(std::str::from_utf8(piece).unwrap()),
                "{text}"
            );
        }
        assert!(!text.contains(plaintext), "plaintext in: {text}");
        assert!(!text.contains("Sup3rS3cret"), "plaintext in: {text}");
    }
}
