#!/usr/bin/env python3
"""Mule-compatible secure-properties encryption, for the intguard examples.

Reproduces MuleSoft's JCE encrypter (secure-properties module, Mule 4, and the
Mule 3 secure-property-placeholder):

  * transformation ALG/MODE/PKCS5Padding, key = the key string's bytes, used raw;
  * useRandomIVs=false (the default): IV = first block-size bytes of the key
    (16 for AES, 8 for Blowfish), output = base64(ciphertext);
  * useRandomIVs=true: output = base64(random IV || ciphertext);
  * ECB: no IV.

Needs the `cryptography` package (pip install cryptography).

Usage:
  encrypt_mule.py --selftest
  encrypt_mule.py encrypt  ALG MODE KEY VALUE [--random-iv]
  encrypt_mule.py decrypt  ALG MODE KEY BASE64 [--random-iv]
  encrypt_mule.py regen-acme          # re-make the ![...] values of examples/acme-integrations

`regen-acme` rewrites the secure property files of the Acme example in place.
The orders-sapi, customers-papi and legacy-sync keys are committed in those
apps on purpose (that is the problem the example plants), so they are repeated
here. The invoices-eapi key is NOT stored anywhere: a fresh random key is
drawn on every run and thrown away, which is exactly what makes that app clean.
"""
import base64
import os
import re
import sys

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

try:  # cryptography >= 43 moved Blowfish to the "decrepit" package
    from cryptography.hazmat.decrepit.ciphers.algorithms import Blowfish as _Blowfish
except ImportError:  # pragma: no cover - older cryptography
    _Blowfish = algorithms.Blowfish

BLOCK = {"AES": 16, "BLOWFISH": 8}


def _algorithm(alg, key):
    alg = alg.upper()
    if alg == "AES":
        if len(key) not in (16, 24, 32):
            raise ValueError("AES key must be 16, 24 or 32 bytes, got %d" % len(key))
        return algorithms.AES(key)
    if alg == "BLOWFISH":
        if not 4 <= len(key) <= 56:
            raise ValueError("Blowfish key must be 4-56 bytes, got %d" % len(key))
        return _Blowfish(key)
    raise ValueError("unsupported algorithm %s (this tool does AES and Blowfish)" % alg)


def _mode(mode, iv):
    mode = mode.upper()
    if mode == "CBC":
        return modes.CBC(iv)
    if mode == "CFB":
        return modes.CFB(iv)
    if mode == "OFB":
        return modes.OFB(iv)
    if mode == "ECB":
        return modes.ECB()
    raise ValueError("unsupported mode %s" % mode)


def encrypt(alg, mode, key, plaintext, random_iv=False, iv=None):
    """Return the base64 text Mule would put inside ![...]."""
    kb = key.encode("utf-8")
    bs = BLOCK[alg.upper()]
    if mode.upper() == "ECB":
        iv, prefix = None, b""
    elif random_iv:
        iv = iv if iv is not None else os.urandom(bs)
        prefix = iv
    else:
        iv, prefix = kb[:bs], b""
    padder = padding.PKCS7(bs * 8).padder()  # PKCS5 == PKCS7 on 8/16-byte blocks
    data = padder.update(plaintext.encode("utf-8")) + padder.finalize()
    enc = Cipher(_algorithm(alg, kb), _mode(mode, iv)).encryptor()
    return base64.b64encode(prefix + enc.update(data) + enc.finalize()).decode("ascii")


def decrypt(alg, mode, key, b64, random_iv=False):
    kb = key.encode("utf-8")
    bs = BLOCK[alg.upper()]
    raw = base64.b64decode(b64)
    if mode.upper() == "ECB":
        iv = None
    elif random_iv:
        iv, raw = raw[:bs], raw[bs:]
    else:
        iv = kb[:bs]
    dec = Cipher(_algorithm(alg, kb), _mode(mode, iv)).decryptor()
    data = dec.update(raw) + dec.finalize()
    unpadder = padding.PKCS7(bs * 8).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")


# Test vectors from shared/reference/mule.md.
VECTORS = [
    ("Blowfish", "CBC", "mulesoft", "some value to encrypt", "8q5e1+jy0cND2iV2WPThahmz6XsDwB6Z"),
    ("Blowfish", "CBC", "mulesoft", "Muleman is here", "qCReIPK3jcqD7WR84ISSIQ=="),
    ("AES", "CBC", "1234567890123456", "1234", "w9oKTqKTtvBuRUVbhQP/qw=="),
    ("AES", "CBC", "12345678901234567890123456789012", "test123", "hvviuvvOu8EADgdrFqCeXA=="),
]


def selftest():
    ok = True
    for alg, mode, key, pt, expected in VECTORS:
        got = encrypt(alg, mode, key, pt)
        back = decrypt(alg, mode, key, expected)
        good = got == expected and back == pt
        ok &= good
        print("%-4s %s/%s key=%r %r -> %s" % ("ok" if good else "FAIL", alg, mode, key, pt, got))
    # random-IV round trip
    c = encrypt("AES", "CBC", "1234567890123456", "1234", random_iv=True)
    good = decrypt("AES", "CBC", "1234567890123456", c, random_iv=True) == "1234"
    ok &= good
    print("%-4s AES/CBC random IV round trip" % ("ok" if good else "FAIL"))
    return ok


# --------------------------------------------------------------------------
# The Acme example. Keys committed in the example apps (on purpose):
ORDERS_KEY = "AcmeOrd3rsK3y!16"      # orders-sapi global.xml <global-property name="encryption.key">
CUSTOMERS_KEY = "AcmeCust0mers!"     # customers-papi pom.xml cloudHubDeployment <encryption.key> (Blowfish)
LEGACY_KEY = "L3gacySyncK3y#01"      # legacy-sync src/main/app/global.xml secure-property-placeholder key=

# (file relative to examples/acme-integrations, algorithm, mode, key, random IV,
#  {property leaf path: plaintext}). The plaintexts are fake, made up for the example.
ACME = [
    ("orders-sapi/src/main/resources/properties/dev-secure.yaml", "AES", "CBC", ORDERS_KEY, False, {
        "sfdc.password": "Dev0rders!2024",
        "sfdc.token": "dQ7Xn2LkP4vR9sT1wYb3ZcE5",
        "token.client.secret": "dev-7f3a9c2e5b",
        "erp.api.key": "erp-dev-2b8d41c6",
    }),
    ("orders-sapi/src/main/resources/properties/qa-secure.yaml", "AES", "CBC", ORDERS_KEY, False, {
        "sfdc.password": "Qa0rders!2024",
        "sfdc.token": "hJ3kL9mN2pQ5rS8tU1vW4xY6",
        "token.client.secret": "qa-4e1b8d7a20",
        "erp.api.key": "erp-qa-9c5e17a3",
    }),
    ("orders-sapi/src/main/resources/properties/prod-secure.yaml", "AES", "CBC", ORDERS_KEY, False, {
        "sfdc.token": "Xr4Tz8Qp2Lm6Nv0Bc3Kd7Wf9",
        "token.client.secret": "prd-c81f4a9e63d2",
        "erp.api.key": "erp-prd-5a7e3c91f0",
    }),
    ("customers-papi/src/main/resources/properties/dev-secure.yaml", "Blowfish", "CBC", CUSTOMERS_KEY, False, {
        "sfdc.consumerKey": "3MVG9dev000000000CUSTOMERSPAPIxDEV.consumerkey.fake",
        "sfdc.consumerSecret": "D3V1A2B3C4D5E6F7A8B9C0D1E2F3A4B5",
        "sfdc.password": "DevCust!2024",
        "tls.keystore.password": "dev-keystore-pw",
        "tls.key.password": "dev-key-pw",
    }),
    ("customers-papi/src/main/resources/properties/qa-secure.yaml", "Blowfish", "CBC", CUSTOMERS_KEY, False, {
        "sfdc.consumerKey": "3MVG9qa0000000000CUSTOMERSPAPIxQA.consumerkey.fake",
        "sfdc.consumerSecret": "QA9F8E7D6C5B4A39281706F5E4D3C2B1",
        "sfdc.password": "QaCust!2024",
        "tls.keystore.password": "qa-keystore-pw",
        "tls.key.password": "qa-key-pw",
    }),
    ("customers-papi/src/main/resources/properties/prod-secure.yaml", "Blowfish", "CBC", CUSTOMERS_KEY, False, {
        "sfdc.consumerKey": "3MVG9prd000000000CUSTOMERSPAPIxPRD.consumerkey.fake",
        "sfdc.consumerSecret": "PRD5C4B3A29180F7E6D5C4B3A2918F7E",
        "sfdc.password": "Spr1ngOrders#2024",
        "tls.keystore.password": "prd-keystore-pw-81",
        "tls.key.password": "prd-key-pw-81",
    }),
    ("legacy-sync/src/main/resources/mule.dev.properties", "AES", "CBC", LEGACY_KEY, False, {
        "sfdc.password": "LegacyDev!2019",
        "sfdc.token": "aB3dE6gH9jK2mN5pQ8sT1vW4",
    }),
]

INVOICES = [
    ("invoices-eapi/src/main/resources/properties/%s-secure.yaml" % env, {
        "sfdc.consumerKey": "3MVG9inv%s0000000INVOICESEAPI.consumerkey.fake" % env,
        "sfdc.keystore.password": "inv-%s-jwt-ks" % env,
        "sfdc.mtls.keystore.password": "inv-%s-mtls-ks" % env,
        "sfdc.mtls.key.password": "inv-%s-mtls-key" % env,
        "tls.keystore.password": "inv-%s-https-ks" % env,
        "tls.key.password": "inv-%s-https-key" % env,
    }) for env in ("dev", "qa", "prod")
]


def _rewrite(path, props, enc):
    """Replace the ![...] value of each listed property (YAML nested or .properties)."""
    lines = open(path, encoding="utf-8").read().split("\n")
    stack = []  # (indent, key) for YAML
    seen = set()
    for i, line in enumerate(lines):
        if path.endswith(".properties"):
            m = re.match(r"^([\w.]+)\s*=\s*!\[.*\]\s*$", line)
            if m and m.group(1) in props:
                lines[i] = "%s=![%s]" % (m.group(1), enc(props[m.group(1)]))
                seen.add(m.group(1))
            continue
        m = re.match(r"^(\s*)([\w.\-]+):(.*)$", line)
        if not m or line.lstrip().startswith("#"):
            continue
        indent = len(m.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m.group(2)))
        full = ".".join(k for _, k in stack)
        if full in props and "![" in m.group(3):
            lines[i] = '%s%s: "![%s]"' % (m.group(1), m.group(2), enc(props[full]))
            seen.add(full)
    missing = set(props) - seen
    if missing:
        raise SystemExit("%s: no ![...] line for %s" % (path, sorted(missing)))
    open(path, "w", encoding="utf-8").write("\n".join(lines))


def _committed_keys():
    return [("AES", ORDERS_KEY), ("Blowfish", CUSTOMERS_KEY), ("AES", LEGACY_KEY)]


def _decrypts_with_any_committed_key(b64):
    for alg, key in _committed_keys():
        for rnd in (False, True):
            try:
                decrypt(alg, "CBC", key, b64, random_iv=rnd)
                return True
            except Exception:
                pass
    return False


def regen_acme(root):
    for rel, alg, mode, key, rnd, props in ACME:
        _rewrite(os.path.join(root, rel), props,
                 lambda v, a=alg, m=mode, k=key, r=rnd: encrypt(a, m, k, v, random_iv=r))
        print("rewrote", rel)
    # invoices-eapi: a random 32-byte AES key per environment, used once, never written anywhere.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    for rel, props in INVOICES:
        throwaway = "".join(alphabet[b % len(alphabet)] for b in os.urandom(32))

        def enc_inv(v, k=throwaway):
            # Make sure no key committed elsewhere in the example happens to unpad it.
            while True:
                c = encrypt("AES", "CBC", k, v, random_iv=True)
                if not _decrypts_with_any_committed_key(c):
                    return c

        _rewrite(os.path.join(root, rel), props, enc_inv)
        print("rewrote", rel, "(throwaway key, not kept)")


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if argv[0] == "--selftest":
        return 0 if selftest() else 1
    if argv[0] == "encrypt" and len(argv) >= 5:
        print(encrypt(argv[1], argv[2], argv[3], argv[4], random_iv="--random-iv" in argv))
        return 0
    if argv[0] == "decrypt" and len(argv) >= 5:
        print(decrypt(argv[1], argv[2], argv[3], argv[4], random_iv="--random-iv" in argv))
        return 0
    if argv[0] == "regen-acme":
        if not selftest():
            return 1
        here = os.path.dirname(os.path.abspath(__file__))
        regen_acme(os.path.join(here, "..", "acme-integrations"))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
