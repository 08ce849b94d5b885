#!/usr/bin/env python3
"""One-off generator of tests/vectors/vectors.json for mule-secure-props.

The vectors come from implementations that share no code with the Rust crate, computing what
Mule's JCE encrypter computes:

    transformation ALG/MODE/PKCS5Padding, key = raw bytes of the key string (no KDF),
    IV = first block of the key (zero-filled when the key is shorter) unless random IVs,
    random IVs: output base64(IV || ciphertext); ECB: no IV, random-IV setting ignored;
    PKCS#5 padding in every mode (CFB and OFB included); CFB/OFB feed back a whole block.

Where the block cipher comes from (the "source" field of each vector):

    cryptography   Python `cryptography` (OpenSSL): AES, Camellia, DES and DESede (TripleDES
                   with 8/16/24-byte keys), Blowfish, CAST5 (decrepit module), and RC2 with
                   16-byte keys (OpenSSL's RC2 runs in CBC only: used here as a block primitive).
    botan          Botan 2 through its Python module (Debian `python3-botan`): Serpent,
                   Twofish, CAST-256 (CAST6) and XTEA.
    libtomcrypt    LibTomCrypt through ctypes (Debian `libtomcrypt1`): RC5-32/12, RC6-32/20,
                   and RC2 with key lengths other than 16 (effective bits = 8 * key length,
                   as SunJCE uses).

For cryptography's natively supported (algorithm, mode) pairs the modes are cryptography's
own; everywhere else the four modes are computed by the small functions below on top of the
library's single-block encrypt/decrypt. As a check of those functions they are also run on
AES, Camellia, Blowfish, CAST5 and DES, and must agree with cryptography's own modes.

Some key lengths that Java takes are outside what these libraries accept. Those are mapped to
an equal key by the algorithm's own definition, and the source says so ("+key-cycle",
"+zero-pad", "+serpent-pad", "+word-pad"): Blowfish 1-3 bytes (the key is read cyclically),
CAST5 1-4 bytes and CAST6 lengths that are not whole words (zero padding), Serpent 4-28 bytes
(padding with a 1 bit), RC5/RC6 5-7 bytes (zero-filled to whole 32-bit words). They are not
fully independent of the reasoning in the Rust crate, which is why JceCrossCheck.java exists:
it runs every vector through the real JDK and Bouncy Castle providers, the way Mule calls them,
and all of them agree (except the key lengths Mule itself rejects in a mode, which it lists).

Without any vector, so covered by round trips in the Rust tests only:
    RC5 / RC6 keys of 1 to 4 bytes (LibTomCrypt's minimum is 8, and word padding changes
    the number of key words below 5 bytes).
Mule's Noekeon, SEED, Skipjack and TEA are not implemented by the crate, so have no vectors.

Usage (from the crate directory):
    apt-get install python3-botan libtomcrypt1 ; pip install cryptography
    python3 tests/vectors/generate.py            # writes tests/vectors/vectors.json

Output: one JSON object per line inside a JSON array, fields
    algorithm, mode, random_iv, key (text; its UTF-8 bytes are the key), iv (hex, or null
    when the IV is derived from the key or there is none), plaintext (text), expected (base64),
    source.
The generator is deterministic: running it again gives the same file.
"""

import base64
import ctypes
import ctypes.util
import hashlib
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")  # cryptography's deprecation notes on TripleDES, CFB, OFB

from cryptography.hazmat.decrepit.ciphers import algorithms as decrepit
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

sys.path.append("/usr/lib/python3/dist-packages")  # Debian's botan2 module, for any Python
import botan2  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------------------------------------
# Block primitives: (block_size, encrypt_block(key, block), decrypt_block(key, block))


def crypto_block(make_alg):
    def enc(key, block):
        e = Cipher(make_alg(key), modes.ECB()).encryptor()
        return e.update(block) + e.finalize()

    def dec(key, block):
        d = Cipher(make_alg(key), modes.ECB()).decryptor()
        return d.update(block) + d.finalize()

    return enc, dec


def rc2_cbc_block():
    # OpenSSL's RC2 only runs in CBC: one block with a zero IV is one raw block operation.
    def enc(key, block):
        e = Cipher(decrepit.RC2(key), modes.CBC(bytes(8))).encryptor()
        return e.update(block) + e.finalize()

    def dec(key, block):
        d = Cipher(decrepit.RC2(key), modes.CBC(bytes(8))).decryptor()
        return d.update(block) + d.finalize()

    return enc, dec


def botan_block(name):
    def enc(key, block):
        c = botan2.BlockCipher(name)
        c.set_key(key)
        return bytes(c.encrypt(block))

    def dec(key, block):
        c = botan2.BlockCipher(name)
        c.set_key(key)
        return bytes(c.decrypt(block))

    return enc, dec


_tomcrypt = ctypes.CDLL(ctypes.util.find_library("tomcrypt") or "libtomcrypt.so.1")


def tomcrypt_block(prefix, block_size, setup):
    """setup(key_buffer, keylen, schedule_buffer) -> int (0 = CRYPT_OK)."""
    ecb_enc = getattr(_tomcrypt, prefix + "_ecb_encrypt")
    ecb_dec = getattr(_tomcrypt, prefix + "_ecb_decrypt")

    def schedule(key):
        skey = ctypes.create_string_buffer(1 << 16)  # symmetric_key union, generously sized
        rc = setup(ctypes.create_string_buffer(key, len(key)), len(key), skey)
        if rc != 0:
            raise ValueError(f"{prefix}_setup failed with {rc} for a {len(key)}-byte key")
        return skey

    def run(fn, key, block):
        assert len(block) == block_size
        out = ctypes.create_string_buffer(block_size)
        rc = fn(ctypes.create_string_buffer(block, block_size), out, schedule(key))
        if rc != 0:
            raise ValueError(f"{prefix} block operation failed with {rc}")
        return out.raw

    return (lambda k, b: run(ecb_enc, k, b)), (lambda k, b: run(ecb_dec, k, b))


# int rc5_setup(const unsigned char *key, int keylen, int num_rounds, symmetric_key *skey)
RC5_TOM = tomcrypt_block("rc5", 8, lambda k, n, s: _tomcrypt.rc5_setup(k, n, 12, s))
# int rc6_setup(const unsigned char *key, int keylen, int num_rounds, symmetric_key *skey)
RC6_TOM = tomcrypt_block("rc6", 16, lambda k, n, s: _tomcrypt.rc6_setup(k, n, 20, s))
# int rc2_setup_ex(const unsigned char *key, int keylen, int bits, int num_rounds, symmetric_key *)
RC2_TOM = tomcrypt_block("rc2", 8, lambda k, n, s: _tomcrypt.rc2_setup_ex(k, n, 8 * n, 0, s))

# --------------------------------------------------------------------------------------------
# The four modes, written out from their definitions (full-block feedback).


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def blocks(data, bs):
    return [data[i : i + bs] for i in range(0, len(data), bs)]


def mode_encrypt(mode, enc, key, iv, data, bs):
    out, prev = [], iv
    for p in blocks(data, bs):
        if mode == "ECB":
            c = enc(key, p)
        elif mode == "CBC":
            c = enc(key, xor(p, prev))
            prev = c
        elif mode == "CFB":
            c = xor(p, enc(key, prev))
            prev = c
        elif mode == "OFB":
            prev = enc(key, prev)
            c = xor(p, prev)
        out.append(c)
    return b"".join(out)


def mode_decrypt(mode, enc, dec, key, iv, data, bs):
    out, prev = [], iv
    for c in blocks(data, bs):
        if mode == "ECB":
            p = dec(key, c)
        elif mode == "CBC":
            p = xor(dec(key, c), prev)
            prev = c
        elif mode == "CFB":
            p = xor(c, enc(key, prev))
            prev = c
        elif mode == "OFB":
            prev = enc(key, prev)
            p = xor(c, prev)
        out.append(p)
    return b"".join(out)


def crypto_native(make_alg, mode, key, iv, data):
    m = {
        "ECB": lambda: modes.ECB(),
        "CBC": lambda: modes.CBC(iv),
        "CFB": lambda: modes.CFB(iv),
        "OFB": lambda: modes.OFB(iv),
    }[mode]()
    e = Cipher(make_alg(key), m).encryptor()
    return e.update(data) + e.finalize()


def pkcs5(data, bs):
    n = bs - len(data) % bs
    return data + bytes([n]) * n


# --------------------------------------------------------------------------------------------
# Algorithms: name -> (block size, [(key length, source, primitive, native alg or None)]).

AES = lambda k: algorithms.AES(k)  # noqa: E731
CAMELLIA = lambda k: algorithms.Camellia(k)  # noqa: E731
TDES = lambda k: decrepit.TripleDES(k)  # noqa: E731  (8 bytes = DES, 16 = two-key, 24 = three-key)
BLOWFISH = lambda k: decrepit.Blowfish(k)  # noqa: E731
CAST5 = lambda k: decrepit.CAST5(k)  # noqa: E731


def native(make_alg, lengths, source="cryptography", key_fn=None):
    prim = crypto_block(make_alg)
    return [(n, source, prim, make_alg, key_fn) for n in lengths]


def plain(prim, lengths, source, key_fn=None):
    return [(n, source, prim, None, key_fn) for n in lengths]


# Key lengths the Java providers take but the libraries above do not, mapped to an equal key
# by the algorithm's own definition (the Java cross-check confirms each of them):
def blowfish_cycle(key):
    """Blowfish reads its key cyclically into the 72-byte P-array: 'ab' is 'abababababab'."""
    return (key * 12)[:12]


def zero_pad(n):
    """CAST-128 and CAST-256 zero-pad short keys (CAST-128's rounds depend on the unpadded
    length: 12 up to 80 bits, which any key of 5 bytes or less keeps). RC5 and RC6 load the
    key into ceil(len/4) little-endian words, so 5-7 bytes equal their zero-fill to 8."""
    return lambda key: key + bytes(max(0, n - len(key)))


def serpent_pad(key):
    """Serpent pads a short key with one 1 bit (byte 0x01 in its byte order), then zeros."""
    return key + b"\x01" + bytes(31 - len(key)) if len(key) < 32 else key


ALGORITHMS = {
    "AES": (16, native(AES, [16, 24, 32])),
    "Blowfish": (
        8,
        native(BLOWFISH, [4, 5, 8, 16, 56])
        + native(BLOWFISH, [1, 2, 3], "cryptography+key-cycle", blowfish_cycle),
    ),
    "DES": (8, native(TDES, [8])),
    "DESede": (8, native(TDES, [16, 24])),
    "Camellia": (16, native(CAMELLIA, [16, 24, 32])),
    "CAST5": (
        8,
        native(CAST5, [5, 10, 11, 16])
        + native(CAST5, [1, 4], "cryptography+zero-pad", zero_pad(5)),
    ),
    "CAST6": (
        16,
        plain(botan_block("CAST-256"), [16, 20, 24, 28, 32], "botan")
        + plain(botan_block("CAST-256"), [1, 17], "botan+zero-pad", zero_pad(32)),
    ),
    "Serpent": (
        16,
        plain(botan_block("Serpent"), [16, 24, 32], "botan")
        + plain(botan_block("Serpent"), [4, 12, 20, 28], "botan+serpent-pad", serpent_pad),
    ),
    "Twofish": (16, plain(botan_block("Twofish"), [16, 24, 32], "botan")),
    "XTEA": (8, plain(botan_block("XTEA"), [16], "botan")),
    "RC2": (
        8,
        plain(rc2_cbc_block(), [16], "cryptography")
        + plain(RC2_TOM, [3, 5, 8, 13, 32, 128], "libtomcrypt"),
    ),
    "RC5": (
        8,
        plain(RC5_TOM, [8, 13, 16, 32], "libtomcrypt")
        + plain(RC5_TOM, [5, 7], "libtomcrypt+word-pad", zero_pad(8)),
    ),
    "RC6": (
        16,
        plain(RC6_TOM, [8, 13, 16, 24, 32], "libtomcrypt")
        + plain(RC6_TOM, [5, 6], "libtomcrypt+word-pad", zero_pad(8)),
    ),
}

MODES = ["CBC", "CFB", "ECB", "OFB"]

# Plaintexts of every interesting length: empty (a whole block of padding), shorter than a
# block, exactly one 8- or 16-byte block, several blocks, non-ASCII UTF-8.
PLAINTEXTS = [
    "",
    "s3cr3t",
    "12345678",
    "0123456789abcdef",
    "P@ssw0rd!SalesforceToken",
    "integration user pässwörd ✓ with a longer text spanning blocks",
]

# Printable ASCII key material (Mule keys are strings); a key of n bytes is KEY_TEXT[:n].
KEY_TEXT = (
    "Mule-Secure_Key.2024/integration+user=salesforce!ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "abcdefghijklmnopqrstuvwxyz0123456789~#%&*()[]{}<>?;:,mulesoftmulesoftmulesoftm"
)
assert len(KEY_TEXT) >= 128


def derived(label, n):
    """Deterministic pseudo-random bytes, standing in for a random IV."""
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return out[:n]


def encrypt(alg, mode, random_iv, key, iv, plaintext, entry):
    bs, _ = ALGORITHMS[alg]
    _, source, (enc, dec), native_alg, key_fn = entry
    if key_fn is not None:
        key = key_fn(key)
    data = pkcs5(plaintext, bs)
    use_iv = iv if mode != "ECB" else b""
    ct = mode_encrypt(mode, enc, key, use_iv, data, bs)
    # The hand-written modes must agree with cryptography's own where it has them ...
    if native_alg is not None:
        assert ct == crypto_native(native_alg, mode, key, use_iv, data), (alg, mode, len(key))
    # ... and decrypt back.
    assert mode_decrypt(mode, enc, dec, key, use_iv, ct, bs) == data, (alg, mode, len(key))
    out = iv + ct if (random_iv and mode != "ECB") else ct
    return base64.b64encode(out).decode("ascii"), source


def main():
    vectors = []
    counter = 0
    for alg, (bs, entries) in ALGORITHMS.items():
        for entry in entries:
            n = entry[0]
            key_text = KEY_TEXT[:n]
            key = key_text.encode("utf-8")
            assert len(key) == n
            # The IV below is always derived from the key as given, never the mapped one.
            for mode in MODES:
                for random_iv in (False, True):
                    plaintext = PLAINTEXTS[counter % len(PLAINTEXTS)]
                    counter += 1
                    if random_iv and mode != "ECB":
                        iv = derived(f"{alg}/{mode}/{n}", bs)
                        iv_field = iv.hex()
                    else:
                        # Mule: first block of the key, zero-filled (Arrays.copyOfRange).
                        iv = (key + bytes(bs))[:bs]
                        iv_field = None
                    expected, source = encrypt(
                        alg, mode, random_iv, key, iv, plaintext.encode("utf-8"), entry
                    )
                    vectors.append(
                        {
                            "algorithm": alg,
                            "mode": mode,
                            "random_iv": random_iv,
                            "key": key_text,
                            "iv": iv_field,
                            "plaintext": plaintext,
                            "expected": expected,
                            "source": source,
                        }
                    )

    # The four vectors of the reference (MuleSoft's own documentation), as a self-check.
    reference = [
        ("Blowfish", b"mulesoft", b"some value to encrypt", "8q5e1+jy0cND2iV2WPThahmz6XsDwB6Z"),
        ("Blowfish", b"mulesoft", b"Muleman is here", "qCReIPK3jcqD7WR84ISSIQ=="),
        ("AES", b"1234567890123456", b"1234", "w9oKTqKTtvBuRUVbhQP/qw=="),
        ("AES", b"12345678901234567890123456789012", b"test123", "hvviuvvOu8EADgdrFqCeXA=="),
    ]
    for alg, key, pt, want in reference:
        bs = ALGORITHMS[alg][0]
        make = BLOWFISH if alg == "Blowfish" else AES
        got = crypto_native(make, "CBC", key, key[:bs], pkcs5(pt, bs))
        assert base64.b64encode(got).decode() == want, (alg, key)

    path = os.path.join(HERE, "vectors.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(v, ensure_ascii=False) for v in vectors))
        f.write("\n]\n")
    print(f"wrote {len(vectors)} vectors to {path}")


if __name__ == "__main__":
    main()
