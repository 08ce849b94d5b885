//! Every vector of `tests/vectors/vectors.json`, written by `tests/vectors/generate.py` from
//! implementations independent of this crate (Python `cryptography`, Botan, LibTomCrypt) and
//! checked against the JDK and Bouncy Castle by `tests/vectors/JceCrossCheck.java`.

use std::collections::BTreeSet;

use mule_secure_props::{Algorithm, Cipher, Mode};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Vector {
    algorithm: String,
    mode: String,
    random_iv: bool,
    key: String,
    iv: Option<String>,
    plaintext: String,
    expected: String,
    source: String,
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("vectors/vectors.json");
    serde_json::from_str(text).expect("vectors.json parses")
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn cipher_of(v: &Vector) -> Cipher {
    Cipher::from_mule_attributes(Some(&v.algorithm), Some(&v.mode), v.random_iv)
        .unwrap_or_else(|e| panic!("{}/{}: {e}", v.algorithm, v.mode))
}

fn label(v: &Vector) -> String {
    format!(
        "{}/{} random_iv={} key={}B plaintext={}B ({})",
        v.algorithm,
        v.mode,
        v.random_iv,
        v.key.len(),
        v.plaintext.len(),
        v.source
    )
}

#[test]
fn every_vector_encrypts_exactly() {
    let vectors = vectors();
    assert!(vectors.len() > 400, "only {} vectors", vectors.len());
    for v in &vectors {
        let iv = v.iv.as_deref().map(unhex).unwrap_or_default();
        let got = cipher_of(v)
            .encrypt_with_iv(v.key.as_bytes(), &iv, v.plaintext.as_bytes())
            .unwrap_or_else(|e| panic!("{}: {e}", label(v)));
        assert_eq!(got, v.expected, "{}", label(v));
    }
}

#[test]
fn every_vector_decrypts_exactly() {
    for v in &vectors() {
        let got = cipher_of(v)
            .decrypt(v.key.as_bytes(), &v.expected)
            .unwrap_or_else(|e| panic!("{}: {e}", label(v)));
        assert_eq!(got, v.plaintext.as_bytes(), "{}", label(v));
    }
}

#[test]
fn fixed_iv_and_ecb_vectors_also_come_out_of_plain_encrypt() {
    // `encrypt` draws a random IV only when the value carries one.
    for v in vectors().iter().filter(|v| v.iv.is_none()) {
        let got = cipher_of(v)
            .encrypt(v.key.as_bytes(), v.plaintext.as_bytes())
            .unwrap();
        assert_eq!(got, v.expected, "{}", label(v));
    }
}

#[test]
fn vectors_cover_every_algorithm_mode_and_iv_setting() {
    let have: BTreeSet<(Algorithm, Mode, bool)> = vectors()
        .iter()
        .map(|v| {
            let c = cipher_of(v);
            (c.algorithm, c.mode, c.random_iv)
        })
        .collect();
    for &algorithm in Algorithm::ALL {
        for &mode in Mode::ALL {
            for random_iv in [false, true] {
                assert!(
                    have.contains(&(algorithm, mode, random_iv)),
                    "no vector for {algorithm}/{mode} random_iv={random_iv}"
                );
            }
        }
    }
}

#[test]
fn random_iv_vectors_carry_their_iv_in_front() {
    use base64::Engine as _;
    for v in vectors().iter().filter(|v| v.iv.is_some()) {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&v.expected)
            .unwrap();
        assert!(
            raw.starts_with(&unhex(v.iv.as_deref().unwrap())),
            "{}",
            label(v)
        );
    }
}
