//! The four test vectors of the project's Mule reference (`shared/reference/mule.md`, "The
//! exact cipher"), produced by MuleSoft's own tool: AES and Blowfish, CBC, fixed IV.

use mule_secure_props::{parse_encrypted_value, Algorithm, Cipher, Mode};

const VECTORS: &[(Algorithm, &str, &str, &str)] = &[
    (
        Algorithm::Blowfish,
        "mulesoft",
        "some value to encrypt",
        "8q5e1+jy0cND2iV2WPThahmz6XsDwB6Z",
    ),
    (
        Algorithm::Blowfish,
        "mulesoft",
        "Muleman is here",
        "qCReIPK3jcqD7WR84ISSIQ==",
    ),
    (
        Algorithm::Aes,
        "1234567890123456",
        "1234",
        "w9oKTqKTtvBuRUVbhQP/qw==",
    ),
    (
        Algorithm::Aes,
        "12345678901234567890123456789012",
        "test123",
        "hvviuvvOu8EADgdrFqCeXA==",
    ),
];

#[test]
fn reference_vectors_decrypt() {
    for &(algorithm, key, plaintext, ciphertext) in VECTORS {
        let cipher = Cipher::new(algorithm, Mode::Cbc, false);
        let got = cipher.decrypt(key.as_bytes(), ciphertext).unwrap();
        assert_eq!(got, plaintext.as_bytes(), "{algorithm} {ciphertext}");
    }
}

#[test]
fn reference_vectors_encrypt() {
    for &(algorithm, key, plaintext, ciphertext) in VECTORS {
        let cipher = Cipher::new(algorithm, Mode::Cbc, false);
        assert_eq!(
            cipher
                .encrypt(key.as_bytes(), plaintext.as_bytes())
                .unwrap(),
            ciphertext
        );
        assert_eq!(
            cipher
                .encrypt_with_iv(key.as_bytes(), &[], plaintext.as_bytes())
                .unwrap(),
            ciphertext
        );
    }
}

#[test]
fn reference_vectors_through_mule_syntax() {
    for &(algorithm, key, plaintext, ciphertext) in VECTORS {
        let cipher =
            Cipher::from_mule_attributes(Some(algorithm.name()), Some("CBC"), false).unwrap();
        let yaml_value = format!("  \"![{ciphertext}]\" ");
        let inner = parse_encrypted_value(&yaml_value).unwrap();
        assert_eq!(
            cipher.decrypt(key.as_bytes(), inner).unwrap(),
            plaintext.as_bytes()
        );
    }
}

#[test]
fn aes_vectors_are_the_default_cipher() {
    let cipher = Cipher::default();
    assert_eq!(cipher, Cipher::new(Algorithm::Aes, Mode::Cbc, false));
    assert_eq!(
        cipher,
        Cipher::from_mule_attributes(None, None, false).unwrap()
    );
    assert_eq!(
        cipher
            .decrypt(b"1234567890123456", "w9oKTqKTtvBuRUVbhQP/qw==")
            .unwrap(),
        b"1234"
    );
}
