#!/usr/bin/env python3
"""Generate a synthetic Mule monorepo to benchmark (and measure the recall of) intguard.

    python3 bench/gen_corpus.py OUT_DIR --apps 2000 --seed 1

With the defaults this writes ~2,000 Mule applications (about 5% Mule 3), ~44,000 files and a few
hundred MB: big flow files padded with realistic processors, DataWeave, RAML, docs, scripts and
property files for dev/qa/prod. Most apps are clean (JWT bearer + mutual TLS on 8443, HTTPS
listeners, AES/CBC with random IVs, key not committed, every secret in secureProperties, one
Salesforce user per app). A minority gets planted problems at known places, and
OUT_DIR/planted.json lists each one as {rule, path, line, app, note} (path relative to OUT_DIR,
line 1-based, same conventions as examples/acme-integrations/EXPECTED.md):

  IG101 password connection ............ line of salesforce:basic-connection /
                                           oauth-user-pass-connection / Mule 3 sfdc:config
  IG102 plaintext secret ................ property line in prod.yaml / mule.prod.properties, or the
                                           tls:key-store line with a literal password
  IG103 committed encryption key ........ global-property line, literal key= line, pom <encryption.key>
                                           line, or the `key:` line under `encryption:` in dev.yaml
  IG104 decryptable secret .............. each ![...] line that the committed key decrypts
  IG105 committed private key/keystore .. line 1 of the .pem/.key/.jks/.p12 file
  IG106 Salesforce token ................ line of the 00D...!... token in docs or scripts
  IG107 secret property not hidden ...... secure-properties:config line (encryption.key missing from
                                           secureProperties) / connection line (${sfdc.password} plain)
  IG108 weak property encryption ........ secure-properties:encrypt line (Mule 3: placeholder line)
  IG109 plain http ...................... listener-connection / request-connection line, or the
                                           connection line with an http:// tokenEndpoint
  IG110 TLS verification off ............ tls:trust-store insecure="true" line / tls:context line with
                                           TLSv1 or TLSv1.1
  IG206 no mutual TLS ................... line of every Salesforce connection without tls:key-store
                                           or not on port 8443
  IG303 shared integration user ......... sfdc.username line of prod.yaml in every app of a group
A few plain-HTTP health listeners carry `<!-- intguard-ignore IG109: ... -->`; they are listed
under "suppressed", not "planted".

Encrypted values. Committed keys must really decrypt their ![...] values with Mule's cipher
(ALG/CBC/PKCS5Padding, raw key bytes, IV = first block of the key, or a random IV prefixed when
useRandomIVs="true"). To stay stdlib-only AND give the same bytes on every machine, the script uses
a table of values precomputed with Python `cryptography` by examples/tools/encrypt_mule.py (it includes
the test vectors of shared/reference/mule.md, e.g. key 1234567890123456 / "1234" /
w9oKTqKTtvBuRUVbhQP/qw==). When `cryptography` is importable, --verify-crypto re-checks the whole
table before generating. Values that no committed key should open are seeded random bytes of the
right shape.

--flow-scale F multiplies the size of every flow file (the two big XML files of each Mule 4 app)
by F: with half the apps and F about 2.3, a corpus holds as many bytes as the full one in half as
many apps, which tells memory that grows with the bytes read from memory that grows with the apps.

Deterministic: the same --seed, --apps and --flow-scale give byte-identical output (each app draws from its own
RNG seeded with "seed:index"). Stdlib only. About 20-40 s for 2,000 apps on one core.
"""
import argparse
import base64
import json
import os
import random
import subprocess
import sys
import time

# --------------------------------------------------------------------------------------------
# Precomputed Mule-compatible ciphertexts: (algorithm, key, plaintext, fixed-IV b64, random-IV b64)
# made with examples/tools/encrypt_mule.py (cryptography 48); all CBC / PKCS5Padding.
VECTORS = [
    ('AES', 'Bench0000Key0001', 'changeit', 'QCnVYept5bC0rRxY+k7CpQ==', 'POnX84R52aJn3sEnttSVrB7/sW2K3nN23hx44mmRhnY='),
    ('AES', 'Bench0000Key0001', 'Summer2024!', 'MLILXueSoZa8mA5XBmNO4w==', 'GUGAQJ4mvYUX02vsGfOGnGQg60y/SboiLk1IENze+aE='),
    ('AES', 'Bench0000Key0001', 'P@ssw0rd123', '8fOX1TrqLlaNugyStoX/vg==', 'aCyIRnOvzxvUlEqQNoCg3WDQxj0Eg20dBKIXOrnf/ow='),
    ('AES', 'Bench0000Key0001', 's3cr3t-t0ken-9f8e7d6c5b4a', 'cuejmBxx61UZ6+Py+35RBkpDA9CzdbIdEI+5qiP0lCA=', 'CSFqdMHU8GSjL9p0fo3F1+zN4lPs/m59YktxHXU234ubFYrYB4di0u5vCSi4KDgJ'),
    ('AES', 'Bench0000Key0001', 'Welcome1!', 'daYZXmk9D4yQAoKMDA6m0Q==', '+sVaTSGowtOBr2xexoFcdGHZoMmISJSgkpFGhlMH7hs='),
    ('AES', 'Bench0000Key0001', '3MVG9fakeConsumerKey.bench', 'L3Qo7esUrkNNmhhtWr/fNv9nLaMeRr1a0OlRf8zmirM=', 'xUntpfotuc5lHMuKrOKa7gt3YuOnTNh/G5JABSgXmrFjCXw2z4E5KBIajHgOKiYf'),
    ('AES', 'k9Xw2Lq7Rt4Zp1Vb', 'changeit', 'P+F6lUEd476hyKuVCPe/QA==', 'OAYQjvpEFy4r6Clq7LqxurxGPXDKJi/TGIG7WvyhY/Y='),
    ('AES', 'k9Xw2Lq7Rt4Zp1Vb', 'Summer2024!', '2fzB6ujvOhX8NniOdBeA8A==', 'REnGCPw68Wm0BqGjY/AqPGpW8QENyRhNzj04lWbxnmA='),
    ('AES', 'k9Xw2Lq7Rt4Zp1Vb', 'P@ssw0rd123', 'af06m4KMsodjVqeWyzyOqw==', 'dU3Ll6gzv6EcS+JYtjIScH4r8Kj87c82Ay8NfpLOxNw='),
    ('AES', 'k9Xw2Lq7Rt4Zp1Vb', 's3cr3t-t0ken-9f8e7d6c5b4a', 'u5ivm1ywck3/sTTnOA4f3c3aZZz5XsydaTclfREehsw=', 'MFM6XseSmXG96lKlDlV+2eKoYQWFQHwuqKWcqZyGQhV4vyoVmF2jmAV2rVCspveo'),
    ('AES', 'k9Xw2Lq7Rt4Zp1Vb', 'Welcome1!', 'XskjG5AJhGv+kKvZcjI0Wg==', 'Wslsh57IJpG447fUnG//5AUnXaT7ZeEZEqEXSvv4g9k='),
    ('AES', 'k9Xw2Lq7Rt4Zp1Vb', '3MVG9fakeConsumerKey.bench', 'XTeXHL9SU7uSMdL9yZjhl5+Mw/ecdlRbV3pigTNHNiI=', 'juuioyROnWJTcyurZN93CBdZl6jy+7P/Xln5KFo/rT42o1uE3rGhfOrmI/4GG/WQ'),
    ('AES', 'SecureProps-2023', 'changeit', '5hCqYwnB/T8N2rYp4R+AEw==', '4cpx8lrFChrwhJ2cYZws+u18Esm6e9Kg+x+pDb+s7R8='),
    ('AES', 'SecureProps-2023', 'Summer2024!', 'W6KWUCzvPuSUghDuPYn8fQ==', 'p1wbluWkM1AKQnkerfeLCDPmYnMpaoQT4EVwfeFJ4Q0='),
    ('AES', 'SecureProps-2023', 'P@ssw0rd123', '5BHGUcy6xY/xjYADtg0Kaw==', 'OupC9tD8OqAUEvpWkgnVcmMfM0Dh3fio/F/Gb65S3xI='),
    ('AES', 'SecureProps-2023', 's3cr3t-t0ken-9f8e7d6c5b4a', 'OELhOhejJy17uVPntvIKtE0L/8KZLLdrRkVa7ptNdcE=', 'X3vfw6d85LaarfftgpCKX5rZUesbwX2d3aH9mHhRswgi0d75JpGzxdrJkOJ7328Y'),
    ('AES', 'SecureProps-2023', 'Welcome1!', 'dNvoIkq+7RQP4SPq8VfQVw==', 'CdgVpsKZ2cXxV4pgm07yJX71Cw39+6p+aIq+4Ki9Zms='),
    ('AES', 'SecureProps-2023', '3MVG9fakeConsumerKey.bench', 'jYjNO4kSB+eRYM/7AhZY3HhxoXqivPx/KfylZb4s6Qc=', 'bXiqmF7mvcl2vjgGBc89Ou8HDJVGNFqwBtGhipVKUHBE9IRvkZpwIqPKy0SAcl6Q'),
    ('AES', 'MuleDevKey123456', 'changeit', 'UDyEhonRo6c4l5tdstFrfg==', 'jP2iFRrLgS5up4JbwpS3shqlxlxmoXuWhPuPP/e/8a0='),
    ('AES', 'MuleDevKey123456', 'Summer2024!', 'fPClzlzgVzP+/buIAesRyA==', 'NpVZ0TbcecJObJN6f3n6H9ZKSoSFMM9hIQRwzCoNKvE='),
    ('AES', 'MuleDevKey123456', 'P@ssw0rd123', 'ARUm0jsPA0EgGfEVzlIdIg==', '+kQkQOdNQjSjoPWMttZ5ofStOFcADa/805lwTtTMvAw='),
    ('AES', 'MuleDevKey123456', 's3cr3t-t0ken-9f8e7d6c5b4a', 'DhjvP4vtxE+ZWKxR8qDW4F7ljMAbe/KtqsyMX4k0wXM=', 'G+d4YZQViDKh/nbbb1dbiLLpR6YK1hvBJp+NBCmeGJHGALRmNfMTaAGsbRhEyiuF'),
    ('AES', 'MuleDevKey123456', 'Welcome1!', 'lE5VWiXxgdajQ36vgvnuUQ==', 'xsUtycu7yZ1Zj6P06zIad+O2MIo5W2ImxjEKXj8SR38='),
    ('AES', 'MuleDevKey123456', '3MVG9fakeConsumerKey.bench', '+y9Petu7b/lBdgT2ga+hwc4zoXq1rDf5y0y9Xe8gPjY=', 'DTCiYbGjIz6pddSjJi/HpPB0yqbFfHjBs8jE74h7rC36FNDDUtF43v7RwO1bP35J'),
    ('AES', '123456789012345678901234', 'changeit', 'mbKQ5tMOK1uE45ldrG0Oqg==', 'L56vHqR0wuUJOOqeY+Niib20WN39VlKqFllZtmtkdrk='),
    ('AES', '123456789012345678901234', 'Summer2024!', 'HV6AJRJ4J81s07eg3sPNYw==', 'MlLBq/RFxV1rPUu4qNdbu2bSr4IzYfqVFUEHYKNOLIM='),
    ('AES', '123456789012345678901234', 'P@ssw0rd123', 'e772vAOJ/QrHiOn/IaAgog==', '1T3wJR+/K20pfLW0EJdE+M2okjfLAKLa3ITYPW38d+w='),
    ('AES', '123456789012345678901234', 's3cr3t-t0ken-9f8e7d6c5b4a', '2yReLlo2R1J0MVq/LWEotqwWwSKZRxkOH1h/4DmBmi4=', '5M0fogtli9Dd67acHdbwgIkALqjkKWtm86wgnn4JDgzXTBMVD7u/JiC/78JxQZcc'),
    ('AES', '123456789012345678901234', 'Welcome1!', 'hid4Lf2xktCRuActOCzHJA==', 'OQNG9vYtm5aWdrlMkg/CQjLni5iDH0QfMA0em4jC4Sw='),
    ('AES', '123456789012345678901234', '3MVG9fakeConsumerKey.bench', 'FlqzEBrECMxrJpGPtzKi5+70SWYGtjYUncHDGnz/dYc=', 'onsKwcyYO38V/z60SyEmuITmEPxtYLGo+FZGWJ99xlThYxQSCbgeYDuq7rydX7j9'),
    ('AES', 'AcmeBenchKey!!32bytes..........x', 'changeit', '0HtOqW7zYLgGBDb7C3CG2Q==', 'mwnosiQhZNAxBOm7k7l+QaEybS/ijSvydPXsR4D5+N4='),
    ('AES', 'AcmeBenchKey!!32bytes..........x', 'Summer2024!', 'wtq8cz8XGmSw8rvWaHUdDQ==', 'CI2mWPfeIp5M5Ro2bgxXrbVdT9klHu75WuopfJankAE='),
    ('AES', 'AcmeBenchKey!!32bytes..........x', 'P@ssw0rd123', 'nox8S1dKaZLyBxxC2+89iA==', 'ThAFgynIzc//TC1DPRAXwfparIk5jrN+wF1M7j3S+RA='),
    ('AES', 'AcmeBenchKey!!32bytes..........x', 's3cr3t-t0ken-9f8e7d6c5b4a', 'hdUoTJdb6l5OuA+bGFocWO8dwtLKK45mkK8ZXEivmYY=', 'wc+bJbHaW6pxumNeixAhyDjYBnwKtvophD31XhjDHtwMzLGSJV4NtU3Wyqqe43To'),
    ('AES', 'AcmeBenchKey!!32bytes..........x', 'Welcome1!', 'iAHB69kwUVjbKkYg447TUQ==', 'O/ZjQdikUq7uH7ZGtZ3DtoWs5pNWnXSKvNsMKbRJSGU='),
    ('AES', 'AcmeBenchKey!!32bytes..........x', '3MVG9fakeConsumerKey.bench', 'mXK2HS2wPOstJ/g4ocSMCDAgOVXKYJJszHzKqdPjwl4=', 'UgEc+7RyvqEX/upMm1LQRPa5nDfvpsrC9lfgFqIJvgdZhu44J+hkqODQRQM5sCLv'),
    ('AES', '1234567890123456', 'changeit', 'fVLmPt+380wN3JXBiVfLCQ==', '3LIzWMXIVLGpzibSxcyM4oZFKueo8s/f58oPaY+Vb0M='),
    ('AES', '1234567890123456', 'Summer2024!', 'PT0tRUEu3KnUNOrQTeNicg==', '32re5r8/yS6pW776GkKzOxJwCnhV1+qLwHz7K1w9Yjk='),
    ('AES', '1234567890123456', 'P@ssw0rd123', 'DYOdin3Oqz5bG6SSrSsiLA==', 'GiuLIgIlxVXH4rdPfrCvku6eqvkLCMGGunkwYYbhcWE='),
    ('AES', '1234567890123456', 's3cr3t-t0ken-9f8e7d6c5b4a', 'HDSz0Es7mYkBg7Tr/ECrLfN5fxgtSxov9EYqJm3wuU0=', 'RxjSh608nA2nT1ZIQah1Q3ew7yDLVzARVzrjwWmnXuhwSsAIo4u7kJ2mqLSJdC/q'),
    ('AES', '1234567890123456', 'Welcome1!', 'R6br3COg2qhbUXlVTcoqQg==', 'xRGuzS5IglKMxwSSSL8E9uLZc6xql25VWJSGgtmR4sI='),
    ('AES', '1234567890123456', '3MVG9fakeConsumerKey.bench', 'O/br4fUyrY+KjHkPXHKaaBKdcmcmJ83mjQDxyPIh2H8=', 'TlhMdFfDneCnTQSPbS2wxJaQfXcOzTneeEQ9CBwXuRH5H7uzLyAMrL89nwxT/AQk'),
    ('AES', '12345678901234567890123456789012', 'changeit', 'H6ez9sygtL6Z4WaWpmwOUQ==', 'P0YO2rYHyz9c38mP/bsOqph2XjG4GwH35MnbHcEmf+A='),
    ('AES', '12345678901234567890123456789012', 'Summer2024!', 'M2C6s0QYKeI/ySABRneEOg==', 'nB4j3i0iTIMbU4d9iRPNDYcrf6qm/n4/S7aKYCUf2sc='),
    ('AES', '12345678901234567890123456789012', 'P@ssw0rd123', '2KSdV3fzgo6EwECUFpA1lA==', 'cEEOo8uln5uXvc1qjQh2TeddwProzNRw/JYh0dfIhRs='),
    ('AES', '12345678901234567890123456789012', 's3cr3t-t0ken-9f8e7d6c5b4a', 'Ztv4K0SGNu6vZBpRP6f5KrmNyO52rIjuxtPQGlv5Fck=', '1Vot6ba+A5x8h4X8M4ixN2WFGZQIAu9Wvecx54+62MN1NyIcfVufa0uuKiu1Dur3'),
    ('AES', '12345678901234567890123456789012', 'Welcome1!', 'qux7tkAtRGVPFTCtIubtdw==', 'MGS025EJXMTwT0SMIjZNJX2tYCUFOlz8pVxclnRrpIA='),
    ('AES', '12345678901234567890123456789012', '3MVG9fakeConsumerKey.bench', 'ZjpfEgrTKAuJvRiFc1IbZOONmcBgcjYrFcpU2wEsVCg=', 'IRj4iwN5KIFDaahYE+/UnzcO0l3c8kJ3niXPrHJThn6qF0g9OMurJuSB0lmfqPB0'),
    ('Blowfish', 'BenchBlowfish', 'changeit', 'pysCnhh7SkfME6VmxquFWA==', 'WAJrvdDinO/19mFAFyOkD6g/p0buRF/8'),
    ('Blowfish', 'BenchBlowfish', 'Summer2024!', 'CL2rrPe78/qVsFAthAUuKA==', 'B6yNrV764nLtFfT/+mvSRK0BOYBnUKPA'),
    ('Blowfish', 'BenchBlowfish', 'P@ssw0rd123', '3/WjBwByTMkinVJUaY9lDQ==', 'TE8P82x4937lTx7NhPAkqfp/AWHtOimm'),
    ('Blowfish', 'BenchBlowfish', 's3cr3t-t0ken-9f8e7d6c5b4a', '50qwXrxMWgzloayVQ8XSSQk943NwCfx4yvUFwtLATkg=', 'B49CYXUIi0WFAa3jnfhAVyiOnA6aECrae89ei8pKvAHkGKl59wtRxg=='),
    ('Blowfish', 'BenchBlowfish', 'Welcome1!', 'jh4T3RNjyzU/ZCs0XYvcKA==', 'j6W3nnjiC6oe9M7KF9f2YMDvprU0M94b'),
    ('Blowfish', 'BenchBlowfish', '3MVG9fakeConsumerKey.bench', 'u0tfZnMAurlSBezdtlnEFjcYYUKCdYJmEE/QPTc2kAU=', '3sOcJzTcOtc1dWlQ7jiI1n9cr2lzU/JIGeM5hGKWEhvEaS7WdQXaJw=='),
    ('Blowfish', 'mulesoft', 'changeit', '4Sm5doiOve8kWs7WfTBMGw==', 'Pu9cSGjKEd4dMTJcSwhMhAg6x8x8oRJ1'),
    ('Blowfish', 'mulesoft', 'Summer2024!', 'IiLxrMUtdMCe9XDOdSDZgg==', 'RDhPcjFmKEHer2CxrnpVgxcyTQLESIoi'),
    ('Blowfish', 'mulesoft', 'P@ssw0rd123', 'ZiyQrVa+i4DozQ/hvABzLg==', 'd5vP9wU/HXvTsxMTZU93dwW4KFMmH1f0'),
    ('Blowfish', 'mulesoft', 's3cr3t-t0ken-9f8e7d6c5b4a', '5w22ikW8oEl1FhtD+XFrv36wXZZcX8xfpSaiKVsxJVM=', 'PKICJ7FnxX+zXVuuudapDSWYMY2xX51v40rYSwgVzkEtAe0SpjHA7g=='),
    ('Blowfish', 'mulesoft', 'Welcome1!', 'TNjrgrGNLwsTt2p1ovil1g==', 'wozb7DNvru/oKQT3mWN27HMeNX0DoDRi'),
    ('Blowfish', 'mulesoft', '3MVG9fakeConsumerKey.bench', 'QH7T3YdL9t1PVpX54La0WO8uh4f79tXJlFN5TDEcB5s=', '6UZ0YJiRWRbWlEtq39m7fv8NPl9jAs1GhY2WHHGEyyJGteCFkNlxkw=='),
    ('AES', '1234567890123456', '1234', 'w9oKTqKTtvBuRUVbhQP/qw==', 'AAECAwQFBgcICQoLDA0OD7Dm6z3LgEylwmcf+K0EAek='),
    ('AES', '12345678901234567890123456789012', 'test123', 'hvviuvvOu8EADgdrFqCeXA==', 'EBESExQVFhcYGRobHB0eHwHJoYvap3KQLM0WyTSNJlo='),
    ('Blowfish', 'mulesoft', 'some value to encrypt', '8q5e1+jy0cND2iV2WPThahmz6XsDwB6Z', 'AAECAwQFBgd1Dj4IXawS+GATf4O8nHLIzHJDRsjXB3Q='),
]

# Throwaway keys generated for this benchmark only (openssl genpkey / ecparam); never used anywhere.
PEM_RSA = """-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC4eh1dsE8UQ4Wa
I5B5Aes8cRmxZ0fFKKqbnNq3HVZ944rhDbVcUIyZSpM7FeVhtQPskdnwHNbggzwL
Rpi6RRe3YbsuqxSofkThatghJHXsDhkdMU9jexC0nZeBraLFqDys4OcbMCR7twts
NaZ7F1RL8htZWanEZ55sOI9kJYq4hWIPaUXQXTZJR9xHcJtMEYiFNN8wCGltZ9RK
uZnCN8JTzwcOzXCRZdDo6Asr9CuF5LpO1MLWAWSkf59fzxFd7wmSNV899eFJpMRe
Xdv5d/lE7YhXVZuMioSjckDdDvEIP5JlcLBkiydbeMXtAfstVfPuLGuTTatJf4u1
K2rAxd49AgMBAAECggEAHKe7UAZHAlrKsfq8Qk+t/qGC4C+u0k1S0wE2aCNCgCOM
OxEqDsDkVhtja1YnX1oC1giB1e5k4lMATLAWoTiCSpX/wWwJtXKHuIwkLmG/f39h
H0u9jTJckfG4ywfxtMpBQolc3LhJsn3oZFKhHZWuHm3pGaP33u5JiX3vqBq8xZSO
EK/pomYJoMeLQTjscwE09WDW3IBcL2DXbRPmUtWdPDtiacs/EhBjlOqNm2rahOMb
qqszXOB3Hro5cH01SF0PI+AaKELC4y08SJxhDLsKMXLPt72rAsbAkKuHULApmxfM
SVtu58Movd3bjp71QdISpls0owD+GIMM/Kf6kAvfgQKBgQD/2a2ylECDW2D0RD1R
EQJilD3wlGYSQKsHrairiv+h4YSpgE9w872uRvncoKuZD38a+zU1nDPL5NvavHPH
WwSEdqStkxz8FZ/h2/TUQ2zfXob1/mPs8OUHBnSj0SPLFlJjehh6AknNSZfYmzra
M547IC2hAEJwtszde1v/cMklpQKBgQC4lb7v0cwgTLpx5rqkKM+TnoliWkVHMAf4
OJgjQhWfccWfHHuQB32LafLyV5Gm437bO7YiGJzpV0tySao1DJ1Hn8I7xHl1GQ7b
UjYXEsjW/utSAbK+ly0aC1W66ok3kR/Lm8kRL5td3c78fxSV8Pu1X7PgpgOoLXnp
E/besBbiuQKBgBJeLVMxw4PqroY60/Aa+YHcRKod7UoILH8rn31ZSEr15tFIbeud
BBQb8lo9irQ9YZGtUT+dDDbqIkKM3v8D8MoVvnLbqewLHWRYpzYJ9SoAHk5Qyhm7
naWod/0+yYQOATI1FMbFnUjIrMcXNd1ucUCrabsySpLO/Nw1vAAVt8slAoGAfbs6
yR6uHZ5GLcnNfn5yDoqh6EW3BOuZsiHSt8mO8wHLbDs5i30erjUoEJ1HkFdMFMeS
o50CXQtiT+IPt3z1MVGIO6/0T6gW75wLTiI0fgY8gqq3d42AYkowRlb1yszmzIk8
J6G3AfRRxrpFanEw83XSEAblXMxFS1eXBE8L97kCgYARINEOG0TWU9vd+DNIsIOi
cbFFkQjqg5OucaRLhEf/XVxLd19vpdEJGTWK/UudVwkScN4FOm1bpSlgdA3XHV8q
38J6Usd3gqeUwn69IVDUk/TB+3BYd/hXffVRpLeh2v94sQOz0Ai1jxmYGN5l6+0u
CwX+qFu2yzfMhCvoMWatAQ==
-----END PRIVATE KEY-----
"""
PEM_EC = """-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIJhnUiALfIQ7wFw0gMWjShAGjk8xgLCrTTFjpRwh1XvxoAoGCCqGSM49
AwEHoUQDQgAEsH+s/mSFggGwCE5ulqO0D1jV/7Kr7kJNDEnHiG+xMKwz4ILNfsAo
2G/TroyQpG4cEwIgk8DdNUQCgmtlb42szQ==
-----END EC PRIVATE KEY-----
"""
PEM_RSA_ENCRYPTED = """-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIFLTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQIZG3HdEx9AiECAggA
MAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAEqBBCUExVsQwdX2zOBLjhAQfAvBIIE
0IZNJgY6pRv/lzqw3mQw/fI4eoI3c1bG2mPz+28vtLopra+DpIDmzJRqijqwU1Hn
vxTzTG/NZt4OhU539pHefAERBfqv6+0j5UVjBxW+QoQTufhykKFWi8VpLgl30F1q
08R0jKeCjA5NPLsAjzHmQkNlcgOlobCmplXDxLmnSD2ZLYG0KyMkfyZv4IvjzLbX
bjuLhhKosSB3wjzRTrqarBc+3fDDhAVVehRLuSrd1ul4NkixsQt8RMk2MEh3DGDK
fHuFUjV3eOlIvQxnBvYWnHZajdknF/o8RbZ2Jv6KeFSuHOYbt9ShTZpCMtJqcUGy
3BzZPM1mhEAp42QO2KnPUX4Z2RbcScT/YXCoLX/UiA3Fk3bI9u53ggknJr3VUfSt
qgAmA8IOJqrDqdeTWX2JXVIktLQZT13KjwqDQEAzFZDYTHG2ecjNrpMJxF8A6r/6
iqsmjiL3z2pHyjFQW2SoBEopp+mA+2Vgouuw3/aPGIVm5GeLv9JBB7FEDEbHaySY
PE1Lt0aO+MalYbXICumCn2HcRL07Qsk/dOhi9cQUFzPm2lrvJMykPIgZM6tHI8k8
WX+9UzkbWDOzyxJTR2mlfUvYp0v/mWPeljGANmX83XqkQ2/UZTkRlcpHEYYHyXr9
O9zYBl8Svc0v19aTmnEBvp4ty8UiVDA5/sdWkWVBiy/IyE+GICiOUYGESLoIlasY
1R20A4xvUHL/4Npti/ds7JTRlcV4fMjOsYWPiCPaUkJ8B/jZMYGitU42Sq7/6KB2
cHnUkwmlnsp4E5mkkNKUppEtY+Yc/3yozp+0UPBKK0AFOuhpXDsYIEqcbwVJ6gSh
qMDitxO2wBpMtGylOonZJVfO2yAdVlFlGO2gcBeX4flmms/65fQvZCUB1Sn8Bh5k
UUF+W/ouND8wN3CLaxBGhBqGqjdZ91x/deEvXooO7ANaICcEQwejXhNFvlYY+JcN
tzFog5R2jYMD5vYiVMDPGdnXomdRyl4LmJCVhbKDGIhCfabwd+CDorLIfQzaqLOb
nFEoawVgLc/81u3G/MM8zr2bCamh6oZ6N3eS1v2mRhFAAvi8/XF+/KFzbkLXeYna
HkVe8KTQXRJ2DZVZrO8LFVg+5Tf2lWF1GvPb8/hd9PMdIr8a2DC6A0H4tKWLON01
OB4BVcFQVbdgAF6qlVKITkfrSeMd82l4/fD+sLG4WYzukAMxjGDJUEqG/WJ+3PvW
ngt+8XZYg7sPwAwfsoJ7JEjaLjrAWiy0xBHktdO9hMP0caZzP2CfQfRVPdT9x4hl
UggrluaOYWw8a3uCKg/3Rg+cP9tlo733i/JdYRY8cMzRXwJ/97ndsgjDo/W3tq9j
jAZdeTDVbCcKrrKs4c5u8bL20Fj0i4qSsJdDOM6XTb/T1CBbJ04ycN8yb9gjr9Hd
BDJW7tsafxdjQpoSoWUL5STN53a91Z9ISrPp7QmYvjfhxshjHnuq0vHdWBVZsqeL
HY8LYhDeFakkBw7u/8hxNk+tJ9WrFylIcTOn06HeBYcXr4+NcfndmSwHcJ6lsw1l
/GstqafhjheyrXZm6Lm8OSjFdnvDxPyDjIznDZuB1Qo5/NtTRs1LyFDGCzhhoRmG
uEFVV3pbJ7x1GYFoedmaCWDtw3QK5UQmnNisTTts6BJc
-----END ENCRYPTED PRIVATE KEY-----
"""

DOMAINS = [
    "orders", "customers", "invoices", "products", "pricing", "inventory", "shipments", "payments",
    "returns", "leads", "cases", "contracts", "assets", "quotes", "opportunities", "campaigns",
    "partners", "employees", "suppliers", "warehouses", "subscriptions", "entitlements", "claims",
    "policies", "appointments", "loyalty", "vouchers", "refunds", "deliveries", "tickets",
]
LAYERS = ["sapi", "papi", "eapi"]
SOBJECTS = ["Account", "Contact", "Opportunity", "Case", "Order", "Product2", "Asset", "Contract",
            "Lead", "Quote", "Invoice__c", "Shipment__c", "Payment__c", "Entitlement", "Campaign"]
FIELDS = ["Id", "Name", "CreatedDate", "LastModifiedDate", "OwnerId", "Status", "Type",
          "Description", "External_Id__c", "Amount", "CloseDate", "StageName", "Email", "Phone",
          "BillingCity", "BillingCountryCode", "Industry", "Priority", "Origin", "Subject",
          "Quantity__c", "Unit_Price__c", "Currency__c", "Region__c", "Source_System__c",
          "Sync_Status__c", "Last_Sync__c", "Legacy_Id__c", "Segment__c", "Channel__c"]
REL_FIELDS = ["Account.Name", "Account.External_Id__c", "Owner.Email", "Owner.Name",
              "CreatedBy.Name", "Account.Owner.Email", "Contact.Email", "Parent.Name"]
CHILD_RELS = [("Contacts", ["Id", "Email", "LastName"]), ("Cases", ["Id", "Subject", "Status"]),
              ("OrderItems", ["Id", "Quantity", "UnitPrice"]),
              ("OpportunityLineItems", ["Id", "Quantity", "TotalPrice"]),
              ("Attachments", ["Id", "Name"])]
JSON_FIELDS = ["id", "name", "status", "type", "createdAt", "updatedAt", "owner", "amount",
               "currency", "region", "email", "phone", "city", "country", "segment", "channel",
               "externalId", "source", "priority", "description", "quantity", "unitPrice"]
MULE4_NS = """<mule xmlns:ee="http://www.mulesoft.org/schema/mule/ee/core"
	xmlns:tls="http://www.mulesoft.org/schema/mule/tls"
	xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties"
	xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce"
	xmlns:http="http://www.mulesoft.org/schema/mule/http"
	xmlns="http://www.mulesoft.org/schema/mule/core"
	xmlns:doc="http://www.mulesoft.org/schema/mule/documentation"
	xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
	xsi:schemaLocation="http://www.mulesoft.org/schema/mule/core http://www.mulesoft.org/schema/mule/core/current/mule.xsd
http://www.mulesoft.org/schema/mule/http http://www.mulesoft.org/schema/mule/http/current/mule-http.xsd
http://www.mulesoft.org/schema/mule/salesforce http://www.mulesoft.org/schema/mule/salesforce/current/mule-salesforce.xsd
http://www.mulesoft.org/schema/mule/secure-properties http://www.mulesoft.org/schema/mule/secure-properties/current/mule-secure-properties.xsd
http://www.mulesoft.org/schema/mule/tls http://www.mulesoft.org/schema/mule/tls/current/mule-tls.xsd
http://www.mulesoft.org/schema/mule/ee/core http://www.mulesoft.org/schema/mule/ee/core/current/mule-ee.xsd">"""
MULE3_NS = """<mule xmlns:secure-property-placeholder="http://www.mulesoft.org/schema/mule/secure-property-placeholder" xmlns:sfdc="http://www.mulesoft.org/schema/mule/sfdc" xmlns:dw="http://www.mulesoft.org/schema/mule/ee/dw" xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:doc="http://www.mulesoft.org/schema/mule/documentation"
	xmlns:spring="http://www.springframework.org/schema/beans"
	xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
	xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-current.xsd
http://www.mulesoft.org/schema/mule/core http://www.mulesoft.org/schema/mule/core/current/mule.xsd
http://www.mulesoft.org/schema/mule/sfdc http://www.mulesoft.org/schema/mule/sfdc/current/mule-sfdc.xsd
http://www.mulesoft.org/schema/mule/ee/dw http://www.mulesoft.org/schema/mule/ee/dw/current/dw.xsd
http://www.mulesoft.org/schema/mule/secure-property-placeholder http://www.mulesoft.org/schema/mule/secure-property-placeholder/current/mule-secure-property-placeholder.xsd">"""
ENVS = ("dev", "qa", "prod")
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


# --------------------------------------------------------------------------------------------
class Lines:
    """A text file built line by line, so planted things know their 1-based line."""

    def __init__(self):
        self.lines = []

    def add(self, text=""):
        """Append text (may hold newlines); return the line number of its first line."""
        n = len(self.lines) + 1
        self.lines.extend(text.split("\n"))
        return n

    def text(self):
        return "\n".join(self.lines) + "\n"


class App:
    def __init__(self, out, rel, name, rng, ledger):
        self.out, self.rel, self.name, self.rng, self.ledger = out, rel, name, rng, ledger

    def path(self, sub):
        return self.rel + "/" + sub

    def write(self, sub, content):
        full = os.path.join(self.out, self.rel, sub)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(full, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": "\n"})) as f:
            f.write(content)
        self.ledger["files"] += 1
        self.ledger["bytes"] += len(content)

    def plant(self, rule, sub, line, note):
        self.ledger["planted"].append(
            {"rule": rule, "path": self.path(sub), "line": line, "app": self.name, "note": note})

    def suppressed(self, rule, sub, line, note):
        self.ledger["suppressed"].append(
            {"rule": rule, "path": self.path(sub), "line": line, "app": self.name, "note": note})


def uid(rng):
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:32])


def rand_b64(rng, nbytes):
    return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(nbytes))).decode("ascii")


def opaque_value(rng, block, random_iv):
    """![...] content that no committed key opens (seeded random bytes, right shape)."""
    n = block * rng.choice((1, 2, 2, 3))
    return rand_b64(rng, n + (block if random_iv else 0))


def token(rng, long_org_id):
    org = "00D" + "".join(rng.choice(ALNUM) for _ in range(15 if long_org_id else 12))
    body = "".join(rng.choice(ALNUM) for _ in range(5)) + "".join(rng.choice(ALNUM) for _ in range(38)) \
        + "." + "".join(rng.choice(ALNUM + "_") for _ in range(60))
    return org + "!" + body


# --------------------------------------------------------------------------------------------
# Flow padding: realistic processors, sized by a byte budget.
def soql(rng):
    obj = rng.choice(SOBJECTS)
    fields = rng.sample(FIELDS, rng.randint(4, 10)) + rng.sample(REL_FIELDS, rng.randint(0, 2))
    q = "SELECT " + ", ".join(fields)
    if rng.random() < 0.3:
        rel, cf = rng.choice(CHILD_RELS)
        q += ",\n       (SELECT %s FROM %s)" % (", ".join(cf), rel)
    q += "\nFROM %s\nWHERE %s = :p1" % (obj, rng.choice(["External_Id__c", "Id", "Status", "Region__c"]))
    if rng.random() < 0.5:
        q += "\n  AND LastModifiedDate > :since"
    q += "\nLIMIT %d" % rng.choice((50, 200, 500, 2000))
    return obj, q


def dw_map(rng, indent):
    fields = rng.sample(JSON_FIELDS, rng.randint(6, 16))
    body = ",\n".join('%s\t%s: item.%s default null' % (indent, f, rng.choice(FIELDS)) for f in fields)
    return ("%%dw 2.0\noutput application/json\n---\npayload map (item, index) -> {\n%s\n%s}"
            % (body, indent))


def processor(rng, depth=0):
    t = "\t" * (2 + depth)
    r = rng.random()
    if r < 0.16:
        return '%s<logger level="%s" doc:name="Logger" doc:id="%s" message="#[\'%s: \' ++ (correlationId default \'\')]" category="com.acme.%s" />\n' % (
            t, rng.choice(("INFO", "DEBUG", "INFO")), uid(rng), rng.choice(("start", "step", "done", "received", "mapped")),
            rng.choice(DOMAINS))
    if r < 0.28:
        v = rng.choice(("recordId", "batchSize", "since", "target", "retryCount", "region", "sourceSystem"))
        return '%s<set-variable value="#[%s]" doc:name="%s" doc:id="%s" variableName="%s" />\n' % (
            t, rng.choice(("payload.id", "attributes.queryParams.since", "now()", "p('app.region')", "0")), v, uid(rng), v)
    if r < 0.50:
        return ('%s<ee:transform doc:name="Map" doc:id="%s">\n%s\t<ee:message>\n%s\t\t<ee:set-payload><![CDATA[%s]]></ee:set-payload>\n'
                '%s\t</ee:message>\n%s</ee:transform>\n') % (t, uid(rng), t, t, dw_map(rng, ""), t, t)
    if r < 0.62:
        obj, q = soql(rng)
        return ('%s<salesforce:query doc:name="Query %s" doc:id="%s" config-ref="Salesforce_Config">\n'
                '%s\t<salesforce:salesforce-query><![CDATA[%s]]></salesforce:salesforce-query>\n'
                '%s\t<salesforce:parameters><![CDATA[#[output application/java\n---\n{\n\tp1 : vars.recordId,\n\tsince : vars.since default "2020-01-01T00:00:00Z"\n}]]]></salesforce:parameters>\n'
                '%s</salesforce:query>\n') % (t, obj, uid(rng), t, q, t, t)
    if r < 0.70:
        obj = rng.choice(SOBJECTS)
        op = rng.choice(("create", "update", "upsert"))
        if op == "upsert":
            return '%s<salesforce:upsert doc:name="Upsert %s" doc:id="%s" config-ref="Salesforce_Config" objectType="%s" externalIdFieldName="External_Id__c" />\n' % (t, obj, uid(rng), obj)
        return '%s<salesforce:%s type="%s" doc:name="%s %s" doc:id="%s" config-ref="Salesforce_Config" />\n' % (t, op, obj, op.title(), obj, uid(rng))
    if r < 0.78:
        return ('%s<http:request method="%s" doc:name="Downstream" doc:id="%s" config-ref="Downstream_Request_Config" path="/%s/{id}">\n'
                '%s\t<http:uri-params><![CDATA[#[output application/java\n---\n{\n\t"id" : vars.recordId\n}]]]></http:uri-params>\n'
                '%s</http:request>\n') % (t, rng.choice(("GET", "POST", "PUT")), uid(rng), rng.choice(DOMAINS), t, t)
    if r < 0.86 and depth < 2:
        whens = "".join('%s\t<when expression="#[vars.region == \'%s\']">\n%s%s\t</when>\n' % (
            t, reg, "".join(processor(rng, depth + 2) for _ in range(rng.randint(1, 3))), t)
            for reg in rng.sample(("EMEA", "AMER", "APAC", "LATAM"), rng.randint(1, 3)))
        return '%s<choice doc:name="By region" doc:id="%s">\n%s%s\t<otherwise>\n%s%s\t</otherwise>\n%s</choice>\n' % (
            t, uid(rng), whens, t, processor(rng, depth + 2), t, t)
    if r < 0.93 and depth < 2:
        return '%s<foreach doc:name="For Each" doc:id="%s" collection="#[payload]" batchSize="%d">\n%s%s</foreach>\n' % (
            t, uid(rng), rng.choice((1, 50, 200)), "".join(processor(rng, depth + 1) for _ in range(rng.randint(1, 4))), t)
    if depth < 2:
        return ('%s<try doc:name="Try" doc:id="%s">\n%s%s\t<error-handler>\n%s\t\t<on-error-continue enableNotifications="true" logException="true" doc:name="On Error Continue" doc:id="%s" type="HTTP:CONNECTIVITY, SALESFORCE:CONNECTIVITY">\n'
                '%s\t\t\t<logger level="WARN" doc:name="Logger" doc:id="%s" message="#[error.description]" />\n%s\t\t</on-error-continue>\n%s\t</error-handler>\n%s</try>\n') % (
            t, uid(rng), "".join(processor(rng, depth + 1) for _ in range(rng.randint(1, 3))), t, t, uid(rng), t, uid(rng), t, t, t)
    return '%s<flow-ref doc:name="audit" doc:id="%s" name="audit-subflow" />\n' % (t, uid(rng))


# --flow-scale: the factor on every flow file's byte budget.
FLOW_SCALE = 1.0


def flow_budget(rng):
    return int(rng.randint(30000, 80000) * FLOW_SCALE)


def flow_file(rng, app, domain, kind, budget):
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n\n', MULE4_NS, "\n\n"]
    size, n = 0, 0
    while size < budget:
        n += 1
        res = rng.choice(("", "/{id}", "/{id}/items", "/search", "/{id}/status"))
        method = rng.choice(("GET", "POST", "PUT", "PATCH", "DELETE"))
        name = "%s-%s-%s-%d" % (kind, method.lower(), domain, n)
        body = ['\t<!-- %s %s/%s%s -->\n' % (method, app, domain, res),
                '\t<flow name="%s" doc:id="%s">\n' % (name, uid(rng))]
        if kind == "api":
            body.append('\t\t<http:listener doc:name="%s %s" doc:id="%s" config-ref="HTTPS_Listener_config" path="/%s%s" allowedMethods="%s" />\n'
                        % (method, res or "/", uid(rng), domain, res, method))
        body.extend(processor(rng) for _ in range(rng.randint(4, 12)))
        body.append("\t</flow>\n\n")
        chunk = "".join(body)
        size += len(chunk)
        parts.append(chunk)
    parts.append('\t<sub-flow name="audit-subflow-%s" doc:id="%s">\n\t\t<logger level="DEBUG" doc:name="audit" message="#[payload]" />\n\t</sub-flow>\n\n</mule>\n' % (kind, uid(rng)))
    return "".join(parts)


# --------------------------------------------------------------------------------------------
def pick_vector(rng, alg, key, random_iv):
    rows = [v for v in VECTORS if v[0] == alg and v[1] == key]
    v = rng.choice(rows)
    return v[4] if random_iv else v[3]


def plan_app(rng, i, shared_user):
    """Decide which problems this Mule 4 app gets."""
    p = {}
    r = rng.random()
    p["conn"] = ("jwt_mtls" if r < 0.90 else "jwt_plain" if r < 0.92 else "basic" if r < 0.955
                 else "oauth_up" if r < 0.985 else "jwt_http")
    p["plain_pw_prod"] = p["conn"] in ("basic", "oauth_up") and rng.random() < 0.5
    r = rng.random()
    p["key"] = ("global_property" if r < 0.015 else "literal" if r < 0.025 else "pom" if r < 0.035
                else "dev_yaml" if r < 0.045 else None)
    r = rng.random()
    if p["key"]:
        weak = "blowfish" if r < 0.10 else "aes_fixed" if r < 0.30 else None
    else:
        weak = ("blowfish" if r < 0.01 else "aes_fixed" if r < 0.025 else "des" if r < 0.032
                else "aes_ecb" if r < 0.04 else None)
    p["weak"] = weak
    p["no_secure_key"] = rng.random() < 0.02
    p["plain_listener"] = rng.random() < 0.025
    p["health_suppressed"] = rng.random() < 0.02
    p["token_http"] = rng.random() < 0.01
    p["insecure_trust"] = rng.random() < 0.015
    p["old_tls"] = rng.random() < 0.01
    p["literal_ks_pw"] = rng.random() < 0.01
    p["key_file"] = rng.choice(("pem_rsa", "pem_ec", "pem_enc", "jks", "p12")) if rng.random() < 0.015 else None
    p["sf_token"] = rng.choice(("runbook", "script")) if rng.random() < 0.01 else None
    p["shared_user"] = shared_user
    return p


def gen_mule4(app, domain, layer, idx, plan):
    rng, name = app.rng, app.name
    alg = "Blowfish" if plan["weak"] == "blowfish" else "AES"
    block = 8 if alg == "Blowfish" or plan["weak"] == "des" else 16
    random_iv = plan["weak"] is None
    committed = None
    if plan["key"]:
        keys = sorted({v[1] for v in VECTORS if v[0] == alg})
        committed = rng.choice(keys)
    org = "acme%02d" % (idx % 40)
    users = {e: "int.%s@acme.com%s" % (name, "" if e == "prod" else "." + e) for e in ENVS}
    if plan["shared_user"]:
        users["prod"] = plan["shared_user"]
    conn = plan["conn"]
    password_plain_ref = plan["plain_pw_prod"]

    # ---------------- pom.xml
    pom = Lines()
    pom.add("""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/maven-v4_0_0.xsd">
	<modelVersion>4.0.0</modelVersion>
	<groupId>com.acme.integration</groupId>
	<artifactId>%s</artifactId>
	<version>1.%d.%d</version>
	<packaging>mule-application</packaging>
	<name>%s</name>
	<properties>
		<project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
		<app.runtime>4.6.%d</app.runtime>
		<mule.maven.plugin.version>4.1.1</mule.maven.plugin.version>
	</properties>
	<build>
		<plugins>
			<plugin>
				<groupId>org.mule.tools.maven</groupId>
				<artifactId>mule-maven-plugin</artifactId>
				<version>${mule.maven.plugin.version}</version>
				<extensions>true</extensions>
				<configuration>
					<cloudHubDeployment>
						<uri>https://anypoint.mulesoft.com</uri>
						<muleVersion>${app.runtime}</muleVersion>
						<connectedAppClientId>${anypoint.client.id}</connectedAppClientId>
						<connectedAppClientSecret>${anypoint.client.secret}</connectedAppClientSecret>
						<connectedAppGrantType>client_credentials</connectedAppGrantType>
						<applicationName>acme-%s-${mule.env}</applicationName>
						<environment>${deploy.environment}</environment>
						<workers>1</workers>
						<workerType>MICRO</workerType>
						<properties>
							<mule.env>${mule.env}</mule.env>""" % (name, rng.randint(0, 9), rng.randint(0, 30), name, rng.randint(0, 9), name))
    if plan["key"] == "pom":
        ln = pom.add("\t\t\t\t\t\t\t<encryption.key>%s</encryption.key>" % committed)
        app.plant("IG103", "pom.xml", ln, "secure-properties key literal in cloudHubDeployment properties")
    else:
        pom.add("\t\t\t\t\t\t\t<encryption.key>${encryption.key}</encryption.key>")
    pom.add("""						</properties>
					</cloudHubDeployment>
				</configuration>
			</plugin>
		</plugins>
	</build>
	<dependencies>""")
    for g, a, v in (("org.mule.connectors", "mule-http-connector", "1.9.3"),
                    ("com.mulesoft.connectors", "mule-salesforce-connector", "10.20.0"),
                    ("com.mulesoft.modules", "mule-secure-configuration-property-module", "1.2.7"),
                    ("org.mule.connectors", "mule-sockets-connector", "1.2.4")):
        pom.add("\t\t<dependency>\n\t\t\t<groupId>%s</groupId>\n\t\t\t<artifactId>%s</artifactId>\n\t\t\t<version>%s</version>\n\t\t\t<classifier>mule-plugin</classifier>\n\t\t</dependency>" % (g, a, v))
    pom.add("""	</dependencies>
	<repositories>
		<repository>
			<id>anypoint-exchange-v3</id>
			<url>https://maven.anypoint.mulesoft.com/api/v3/maven</url>
		</repository>
	</repositories>
</project>""")
    app.write("pom.xml", pom.text())

    # ---------------- mule-artifact.json
    secrets = ["sfdc.consumerKey", "sfdc.keystore.password", "sfdc.mtls.keystore.password",
               "sfdc.mtls.key.password", "tls.keystore.password", "tls.key.password",
               "downstream.client.secret"]
    if conn in ("basic", "oauth_up"):
        secrets += ["sfdc.password"] if not password_plain_ref else []
        secrets += ["sfdc.consumerSecret"] if conn == "oauth_up" else ["sfdc.token"]
    listed = ["anypoint.platform.client_id", "anypoint.platform.client_secret"]
    if not plan["no_secure_key"]:
        listed.append("encryption.key")
    listed += secrets
    app.write("mule-artifact.json", json.dumps({
        "minMuleVersion": "4.6.0", "javaSpecificationVersions": ["17"], "secureProperties": listed}, indent=2) + "\n")

    # ---------------- global.xml
    g = Lines()
    g.add('<?xml version="1.0" encoding="UTF-8"?>\n')
    g.add(MULE4_NS)
    g.add("")
    g.add('\t<configuration-properties doc:name="Configuration properties" doc:id="%s" file="properties/${mule.env}.yaml" />' % uid(rng))
    if plan["key"] == "global_property":
        g.add("\t<!-- lets the app start in Studio without VM arguments -->")
        ln = g.add('\t<global-property doc:name="Global Property" doc:id="%s" name="encryption.key" value="%s" />' % (uid(rng), committed))
        app.plant("IG103", "src/main/mule/global.xml", ln, "encryption.key in a global-property")
    key_attr = committed if plan["key"] == "literal" else "${encryption.key}"
    ln = g.add('\t<secure-properties:config name="Secure_Properties_Config" doc:name="Secure Properties Config" doc:id="%s" file="properties/${mule.env}-secure.yaml" key="%s">' % (uid(rng), key_attr))
    if plan["key"] == "literal":
        app.plant("IG103", "src/main/mule/global.xml", ln, "literal key= on secure-properties:config")
    if plan["no_secure_key"]:
        app.plant("IG107", "src/main/mule/global.xml", ln, "encryption.key not in mule-artifact.json secureProperties")
    enc = {None: 'algorithm="AES" mode="CBC" useRandomIVs="true"', "blowfish": 'algorithm="Blowfish" mode="CBC"',
           "aes_fixed": 'algorithm="AES" mode="CBC"', "des": 'algorithm="DES" mode="CBC"',
           "aes_ecb": 'algorithm="AES" mode="ECB"'}[plan["weak"]]
    ln = g.add("\t\t<secure-properties:encrypt %s />" % enc)
    if plan["weak"]:
        app.plant("IG108", "src/main/mule/global.xml", ln, "weak secure properties: " + plan["weak"])
    g.add("\t</secure-properties:config>\n")

    # inbound
    g.add('\t<tls:context name="HTTPS_TLS_Context" doc:name="TLS Context" doc:id="%s" enabledProtocols="TLSv1.2,TLSv1.3">' % uid(rng))
    if plan["literal_ks_pw"]:
        ln = g.add('\t\t<tls:key-store type="pkcs12" path="${tls.keystore.path}" alias="${tls.key.alias}" keyPassword="changeit" password="changeit" />')
        app.plant("IG102", "src/main/mule/global.xml", ln, "literal key-store password in XML")
    else:
        g.add('\t\t<tls:key-store type="pkcs12" path="${tls.keystore.path}" alias="${tls.key.alias}" keyPassword="${secure::tls.key.password}" password="${secure::tls.keystore.password}" />')
    g.add("\t</tls:context>\n")
    g.add('\t<http:listener-config name="HTTPS_Listener_config" doc:name="HTTP Listener config" doc:id="%s" basePath="/api">' % uid(rng))
    if plan["plain_listener"]:
        ln = g.add('\t\t<http:listener-connection host="0.0.0.0" port="${http.port}" />')
        app.plant("IG109", "src/main/mule/global.xml", ln, "API listener without TLS")
    else:
        g.add('\t\t<http:listener-connection protocol="HTTPS" host="0.0.0.0" port="${https.port}" tlsContext="HTTPS_TLS_Context" />')
    g.add("\t</http:listener-config>\n")
    if plan["health_suppressed"]:
        g.add("\t<!-- intguard-ignore IG109: internal health check, TLS terminated at the load balancer -->")
        g.add('\t<http:listener-config name="Health_Listener_config" doc:name="HTTP Listener config" doc:id="%s">' % uid(rng))
        ln = g.add('\t\t<http:listener-connection host="0.0.0.0" port="${http.port}" />')
        app.suppressed("IG109", "src/main/mule/global.xml", ln, "health listener, inline intguard-ignore")
        g.add("\t</http:listener-config>\n")

    # Salesforce
    g.add('\t<salesforce:sfdc-config name="Salesforce_Config" doc:name="Salesforce Config" doc:id="%s">' % uid(rng))
    if conn == "jwt_mtls":
        g.add('\t\t<salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}" keyStore="${sfdc.keystore.path}" storePassword="${secure::sfdc.keystore.password}" certificateAlias="${sfdc.keystore.alias}" principal="${sfdc.username}" tokenEndpoint="${sfdc.tokenEndpoint}" audienceUrl="${sfdc.audienceUrl}">')
        g.add('\t\t\t<tls:context enabledProtocols="TLSv1.2">')
        g.add('\t\t\t\t<tls:key-store type="pkcs12" path="${sfdc.mtls.keystore.path}" alias="${sfdc.mtls.alias}" keyPassword="${secure::sfdc.mtls.key.password}" password="${secure::sfdc.mtls.keystore.password}" />')
        g.add("\t\t\t</tls:context>\n\t\t</salesforce:jwt-connection>")
    elif conn in ("jwt_plain", "jwt_http"):
        te = ("http://login.salesforce.com/services/oauth2/token" if conn == "jwt_http"
              else "https://login.salesforce.com/services/oauth2/token")
        ln = g.add('\t\t<salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}" keyStore="${sfdc.keystore.path}" storePassword="${secure::sfdc.keystore.password}" certificateAlias="${sfdc.keystore.alias}" principal="${sfdc.username}" tokenEndpoint="%s" audienceUrl="https://login.salesforce.com" />' % te)
        app.plant("IG206", "src/main/mule/global.xml", ln, "JWT connection without client certificate, port 443")
        if conn == "jwt_http":
            app.plant("IG109", "src/main/mule/global.xml", ln, "tokenEndpoint over http://")
    else:
        pw = "${sfdc.password}" if password_plain_ref else "${secure::sfdc.password}"
        # One app in four takes its security token from the deployment: a
        # reference no file defines, which IG101's fix looks up among the
        # app's -D options and pom properties (a lookup once cubic in the
        # apps). Chosen by index, so the random draws stay as they were.
        token = "sfdc.deploy.token" if idx % 4 == 0 else "sfdc.token"
        if conn == "basic":
            ln = g.add('\t\t<salesforce:basic-connection username="${sfdc.username}" password="%s" securityToken="${secure::%s}" url="https://login.salesforce.com/services/Soap/u/58.0" />' % (pw, token))
        else:
            ln = g.add('\t\t<salesforce:oauth-user-pass-connection consumerKey="${secure::sfdc.consumerKey}" consumerSecret="${secure::sfdc.consumerSecret}" username="${sfdc.username}" password="%s" tokenEndpoint="https://login.salesforce.com/services/oauth2/token" />' % pw)
        app.plant("IG101", "src/main/mule/global.xml", ln, conn + " connection")
        app.plant("IG206", "src/main/mule/global.xml", ln, "password connection without client certificate")
        if password_plain_ref:
            app.plant("IG107", "src/main/mule/global.xml", ln, "${sfdc.password} plain property not in secureProperties")
    g.add("\t</salesforce:sfdc-config>\n")

    # outbound
    if plan["insecure_trust"] or plan["old_tls"]:
        protos = "TLSv1,TLSv1.1,TLSv1.2" if plan["old_tls"] else "TLSv1.2"
        ln = g.add('\t<tls:context name="Downstream_TLS_Context" doc:name="TLS Context" doc:id="%s" enabledProtocols="%s">' % (uid(rng), protos))
        if plan["old_tls"]:
            app.plant("IG110", "src/main/mule/global.xml", ln, "TLSv1/TLSv1.1 enabled")
        if plan["insecure_trust"]:
            ln = g.add('\t\t<tls:trust-store insecure="true" />')
            app.plant("IG110", "src/main/mule/global.xml", ln, "insecure trust store")
        else:
            g.add('\t\t<tls:trust-store path="${downstream.truststore.path}" password="${secure::downstream.truststore.password}" type="jks" />')
            secrets.append("downstream.truststore.password")
        g.add("\t</tls:context>\n")
        tls_ref = ' tlsContext="Downstream_TLS_Context"'
    else:
        tls_ref = ""
    g.add('\t<http:request-config name="Downstream_Request_Config" doc:name="HTTP Request configuration" doc:id="%s" basePath="${downstream.basePath}">' % uid(rng))
    g.add('\t\t<http:request-connection protocol="HTTPS" host="${downstream.host}" port="443"%s />' % tls_ref)
    g.add('\t\t<http:default-headers>\n\t\t\t<http:default-header key="client_secret" value="${secure::downstream.client.secret}" />\n\t\t</http:default-headers>')
    g.add("\t</http:request-config>\n")
    if plan["token_http"]:
        g.add('\t<http:request-config name="Token_Request_Config" doc:name="HTTP Request configuration" doc:id="%s">' % uid(rng))
        ln = g.add('\t\t<http:request-connection protocol="HTTP" host="${token.host}" port="80">')
        app.plant("IG109", "src/main/mule/global.xml", ln, "token endpoint over HTTP with basic auth")
        g.add('\t\t\t<http:authentication>\n\t\t\t\t<http:basic-authentication username="${downstream.client.id}" password="${secure::downstream.client.secret}" />\n\t\t\t</http:authentication>')
        g.add("\t\t</http:request-connection>\n\t</http:request-config>\n")
    g.add('\t<configuration doc:name="Configuration" doc:id="%s" defaultErrorHandler-ref="global-error-handler" />\n' % uid(rng))
    g.add("</mule>")
    app.write("src/main/mule/global.xml", g.text())

    # ---------------- flows (the bulk of the bytes)
    app.write("src/main/mule/%s-api.xml" % domain, flow_file(rng, name, domain, "api", flow_budget(rng)))
    app.write("src/main/mule/%s-impl.xml" % domain, flow_file(rng, name, domain, "impl", flow_budget(rng)))
    app.write("src/main/mule/common.xml", common_xml(rng))

    # ---------------- properties
    for env in ENVS:
        y = Lines()
        y.add("# %s - %s" % (name, env))
        y.add('http:\n  port: "8081"\nhttps:\n  port: "8082"\n')
        y.add('tls:\n  keystore:\n    path: "keys/%s-https.p12"\n  key:\n    alias: "%s"\n' % (name, name))
        y.add("sfdc:")
        ln = y.add('  username: "%s"' % users[env])
        if env == "prod" and plan["shared_user"]:
            app.plant("IG303", "src/main/resources/properties/prod.yaml", ln, "prod username shared: " + users[env])
        if password_plain_ref:
            if env == "prod":
                ln = y.add('  password: "%s"' % rng.choice(("Welcome2024!", "Sf-Integration#1", "Autumn2023$", "Int3gr@tion")))
                app.plant("IG102", "src/main/resources/properties/prod.yaml", ln, "plaintext sfdc.password in prod")
            else:
                y.add('  password: "${secure::sfdc.password}"')
        host = ("%s.my.salesforce.com" % org) if env == "prod" else ("%s--%s.sandbox.my.salesforce.com" % (org, env))
        y.add('  tokenEndpoint: "https://%s:8443/services/oauth2/token"' % host)
        y.add('  audienceUrl: "%s"' % ("https://login.salesforce.com" if env == "prod" else "https://test.salesforce.com"))
        y.add('  keystore:\n    path: "keys/%s-jwt.jks"\n    alias: "%s-jwt"' % (name, name))
        y.add('  mtls:\n    keystore:\n      path: "keys/%s-mtls.p12"\n    alias: "%s-mtls"\n' % (name, name))
        if plan["key"] == "dev_yaml" and env == "dev":
            y.add("# dev only, the other environments get it from the vault")
            y.add("encryption:")
            ln = y.add('  key: "%s"' % committed)
            app.plant("IG103", "src/main/resources/properties/dev.yaml", ln, "encryption.key in dev.yaml")
            y.add("")
        y.add('downstream:\n  host: "%s-backend.%s.acme.internal"\n  basePath: "/%s/v%d"\n  client:\n    id: "%s-%s"'
              % (domain, env, domain, rng.randint(1, 3), name, env))
        y.add('  truststore:\n    path: "certs/downstream-%s.jks"\n' % env)
        if plan["token_http"]:
            y.add('token:\n  host: "auth-legacy.%s.acme.internal"\n' % env)
        y.add("app:")
        y.add('  region: "%s"' % rng.choice(("EMEA", "AMER", "APAC")))
        for k in range(rng.randint(8, 30)):
            y.add('  %s%d: "%s"' % (rng.choice(("batchSize", "maxRetries", "timeoutMs", "cron", "feature", "pageSize")), k,
                                    rng.choice(("200", "3", "30000", "0 0/15 * * * ?", "true", "false", "1000"))))
        app.write("src/main/resources/properties/%s.yaml" % env, y.text())

        s = Lines()
        s.add("# %s - %s secrets, Secure Properties Tool. Key: vault int/%s/%s/encryption-key" % (name, env, name, env))
        decryptable = committed and (plan["key"] != "dev_yaml" or env == "dev")
        sub = "src/main/resources/properties/%s-secure.yaml" % env

        def val(prop, indent, leaf):
            if decryptable:
                v = pick_vector(rng, alg, committed, random_iv)
            else:
                v = opaque_value(rng, block, random_iv)
            ln = s.add('%s%s: "![%s]"' % (indent, leaf, v))
            if decryptable:
                app.plant("IG104", sub, ln, "%s decrypts with the committed key" % prop)

        s.add("sfdc:")
        val("sfdc.consumerKey", "  ", "consumerKey")
        if conn == "oauth_up":
            val("sfdc.consumerSecret", "  ", "consumerSecret")
        if conn in ("basic", "oauth_up") and not (password_plain_ref and env == "prod"):
            val("sfdc.password", "  ", "password")
        if conn == "basic":
            val("sfdc.token", "  ", "token")
        s.add("  keystore:")
        val("sfdc.keystore.password", "    ", "password")
        s.add("  mtls:\n    keystore:")
        val("sfdc.mtls.keystore.password", "      ", "password")
        s.add("    key:")
        val("sfdc.mtls.key.password", "      ", "password")
        s.add("\ntls:\n  keystore:")
        val("tls.keystore.password", "    ", "password")
        s.add("  key:")
        val("tls.key.password", "    ", "password")
        s.add("\ndownstream:\n  client:")
        val("downstream.client.secret", "    ", "secret")
        if "downstream.truststore.password" in secrets:
            s.add("  truststore:")
            val("downstream.truststore.password", "    ", "password")
        app.write(sub, s.text())

    # ---------------- DataWeave, RAML, log4j2, MUnit
    for k in range(3):
        app.write("src/main/resources/dwl/%s-%d.dwl" % (domain, k), dw_map(rng, "") + "\n")
    app.write("src/main/resources/api/%s.raml" % domain, raml(rng, domain))
    app.write("src/main/resources/log4j2.xml", LOG4J % name)
    app.write("src/test/munit/%s-test-suite.xml" % domain, munit(rng, domain))

    # ---------------- docs and scripts
    docs_and_scripts(app, domain, users, plan)
    app.write(".gitignore", "target/\n.mule/\n.settings/\n.classpath\n.project\n*.launch\nsrc/main/resources/keys/*.jks\nsrc/main/resources/keys/*.p12\n")
    key_files(app, plan)


def docs_and_scripts(app, domain, users, plan):
    rng, name = app.rng, app.name
    r = Lines()
    r.add("# %s\n\n%s API for %s. Owner: integration team (#int-%s).\n" % (name, name.split("-")[1].upper(), domain, domain))
    r.add("## Endpoints\n\n| method | path | what |\n|---|---|---|")
    for _ in range(rng.randint(4, 12)):
        r.add("| %s | `/api/%s/%s` | %s |" % (rng.choice(("GET", "POST", "PUT")), domain, rng.choice(("{id}", "search", "{id}/items", "")),
                                              rng.choice(("reads from Salesforce", "writes to Salesforce", "calls the backend", "async via VM queue"))))
    r.add("\n## Salesforce\n\nRuns as `%s` (prod), `%s` (qa). Password rotation and certificates: see the runbook.\n" % (users["prod"], users["qa"]))
    r.add("## Local run\n\n```\nmvn clean package -Dmule.env=dev -Dencryption.key=<from the vault>\n```\n")
    app.write("README.md", r.text())

    d = Lines()
    d.add("# Runbook: %s\n" % name)
    for sec in ("Deploy", "Rollback", "Certificate renewal", "Salesforce user", "Known issues"):
        d.add("## %s\n" % sec)
        for _ in range(rng.randint(3, 8)):
            d.add("- " + rng.choice((
                "Check the Runtime Manager logs for SALESFORCE:CONNECTIVITY errors.",
                "The connected app certificate expires yearly; renew it 30 days before.",
                "Rotate the keystore password in the vault, then redeploy.",
                "Replays: use the /replay endpoint with the correlation id.",
                "Batch size is tuned per environment in the properties files.",
                "If the downstream is down, messages wait in the DLQ for 7 days.")))
        d.add("")
    if plan["sf_token"] == "runbook":
        d.add("Query the org directly when in doubt:\n\n```")
        d.add('curl "https://acme.my.salesforce.com/services/data/v58.0/query?q=SELECT+Id+FROM+Account+LIMIT+1" \\')
        ln = d.add('  -H "Authorization: Bearer %s"' % token(rng, rng.random() < 0.5))
        d.add("```")
        app.plant("IG106", "docs/runbook.md", ln, "Salesforce access token in the runbook")
    app.write("docs/runbook.md", d.text())

    s = Lines()
    s.add("#!/usr/bin/env bash\n# deploy %s to CloudHub\nset -euo pipefail\nENV=\"${1:-dev}\"\n" % name)
    if plan["sf_token"] == "script":
        ln = s.add('SF_SESSION="%s"  # from Workbench, for the post-deploy check' % token(rng, rng.random() < 0.5))
        app.plant("IG106", "scripts/deploy.sh", ln, "Salesforce session id in a script")
    s.add('mvn -B clean deploy -DmuleDeploy -Dmule.env="$ENV" -Ddeploy.environment="${ENV^^}" \\\n  -Dencryption.key="$(vault kv get -field=key int/%s/$ENV/encryption-key)"' % name)
    s.add('echo "deployed %s to $ENV"' % name)
    app.write("scripts/deploy.sh", s.text())


def key_files(app, plan):
    kf = plan["key_file"]
    if not kf:
        return
    rng = app.rng
    if kf.startswith("pem"):
        body = {"pem_rsa": PEM_RSA, "pem_ec": PEM_EC, "pem_enc": PEM_RSA_ENCRYPTED}[kf]
        sub = "src/main/resources/keys/%s" % rng.choice(("server.key", "private.pem", "jwt-signing.key", "client.pem"))
        app.write(sub, body if body.endswith("\n") else body + "\n")
        app.plant("IG105", sub, 1, "committed PEM private key (%s)" % kf)
    else:
        # binary keystore stand-ins: right magic, random body (not parseable, detected by name/magic)
        if kf == "jks":
            data = b"\xfe\xed\xfe\xed\x00\x00\x00\x02" + bytes(rng.getrandbits(8) for _ in range(1200))
            sub = "src/main/resources/keys/%s.jks" % app.name
        else:
            data = b"\x30\x82\x0a\x1c\x02\x01\x03" + bytes(rng.getrandbits(8) for _ in range(1300))
            sub = "src/main/resources/keys/%s.p12" % app.name
        app.write(sub, data)
        app.plant("IG105", sub, 1, "committed keystore (%s, gitignored pattern but force-added)" % kf)
        app.ledger.setdefault("force_added", []).append(app.path(sub))


def common_xml(rng):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n\n%s\n\n\t<error-handler name="global-error-handler" doc:id="%s">\n'
            '\t\t<on-error-propagate enableNotifications="true" logException="true" doc:name="Any" doc:id="%s" type="ANY">\n'
            '\t\t\t<ee:transform doc:name="Error body" doc:id="%s">\n\t\t\t\t<ee:message>\n'
            '\t\t\t\t\t<ee:set-payload><![CDATA[%%dw 2.0\noutput application/json\n---\n{ code: "INTERNAL_ERROR", message: error.description default "", correlationId: correlationId }]]></ee:set-payload>\n'
            '\t\t\t\t</ee:message>\n\t\t\t</ee:transform>\n\t\t</on-error-propagate>\n\t</error-handler>\n\n'
            '\t<sub-flow name="audit-subflow" doc:id="%s">\n\t\t<logger level="INFO" doc:name="audit" message="#[correlationId]" category="com.acme.audit" />\n\t</sub-flow>\n\n</mule>\n'
            ) % (MULE4_NS, uid(rng), uid(rng), uid(rng), uid(rng))


def raml(rng, domain):
    out = ["#%%RAML 1.0\ntitle: %s API\nversion: v1\nbaseUri: https://api.acme.com/%s/{version}\nmediaType: application/json\n" % (domain.title(), domain)]
    out.append("types:\n  %s:\n    type: object\n    properties:\n" % domain.title().rstrip("s"))
    for f in rng.sample(JSON_FIELDS, rng.randint(8, 18)):
        out.append("      %s:\n        type: %s\n        required: %s\n" % (f, rng.choice(("string", "number", "boolean", "datetime")), rng.choice(("true", "false"))))
    for res in ("", "/{id}", "/search", "/{id}/items", "/{id}/status")[: rng.randint(2, 5)]:
        out.append("/%s%s:\n" % (domain, res))
        for m in rng.sample(("get", "post", "put", "delete"), rng.randint(1, 3)):
            out.append("  %s:\n    description: %s %s\n    responses:\n      200:\n        body:\n          application/json:\n            example: |\n              { \"id\": \"%s\", \"status\": \"OK\" }\n      400:\n        body:\n          application/json:\n            example: |\n              { \"code\": \"BAD_REQUEST\" }\n"
                       % (m, m.upper(), domain, uid(rng)))
    return "".join(out)


def munit(rng, domain):
    tests = []
    for k in range(rng.randint(2, 6)):
        tests.append(('\t<munit:test name="%s-test-%d" doc:id="%s" description="happy path %d">\n'
                      '\t\t<munit:behavior>\n\t\t\t<munit-tools:mock-when doc:name="Salesforce" processor="salesforce:query">\n'
                      '\t\t\t\t<munit-tools:then-return>\n\t\t\t\t\t<munit-tools:payload value="#[[{ Id: \'001000000000%03dAAA\' }]]" />\n'
                      '\t\t\t\t</munit-tools:then-return>\n\t\t\t</munit-tools:mock-when>\n\t\t</munit:behavior>\n'
                      '\t\t<munit:execution>\n\t\t\t<flow-ref doc:name="flow" name="api-get-%s-1" />\n\t\t</munit:execution>\n'
                      '\t\t<munit:validation>\n\t\t\t<munit-tools:assert-that expression="#[payload]" is="#[MunitTools::notNullValue()]" />\n'
                      '\t\t</munit:validation>\n\t</munit:test>\n') % (domain, k, uid(rng), k, k, domain))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n\n<mule xmlns="http://www.mulesoft.org/schema/mule/core"\n'
            '\txmlns:doc="http://www.mulesoft.org/schema/mule/documentation"\n\txmlns:munit="http://www.mulesoft.org/schema/mule/munit"\n'
            '\txmlns:munit-tools="http://www.mulesoft.org/schema/mule/munit-tools"\n\txmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
            '\txsi:schemaLocation="http://www.mulesoft.org/schema/mule/core http://www.mulesoft.org/schema/mule/core/current/mule.xsd\n'
            'http://www.mulesoft.org/schema/mule/munit http://www.mulesoft.org/schema/mule/munit/current/mule-munit.xsd\n'
            'http://www.mulesoft.org/schema/mule/munit-tools http://www.mulesoft.org/schema/mule/munit-tools/current/mule-munit-tools.xsd">\n\n'
            '\t<munit:config name="%s-test-suite.xml" />\n\n%s\n</mule>\n') % (domain, "".join(tests))


LOG4J = """<?xml version="1.0" encoding="utf-8"?>
<Configuration>
	<Appenders>
		<RollingFile name="file" fileName="${sys:mule.home}${sys:file.separator}logs${sys:file.separator}%s.log"
			filePattern="${sys:mule.home}${sys:file.separator}logs${sys:file.separator}app-%%i.log">
			<PatternLayout pattern="%%-5p %%d [%%t] [event: %%X{correlationId}] %%c: %%m%%n" />
			<SizeBasedTriggeringPolicy size="10 MB" />
			<DefaultRolloverStrategy max="10" />
		</RollingFile>
	</Appenders>
	<Loggers>
		<AsyncLogger name="org.mule.service.http" level="WARN" />
		<AsyncRoot level="INFO">
			<AppenderRef ref="file" />
		</AsyncRoot>
	</Loggers>
</Configuration>
"""


# --------------------------------------------------------------------------------------------
def gen_mule3(app, domain, idx):
    """A legacy Mule 3 app: always a password sfdc:config (IG101, IG206) and a fixed-IV placeholder (IG108)."""
    rng, name = app.rng, app.name
    literal_key = rng.random() < 0.10
    plain_prod = rng.random() < 0.20
    key = rng.choice(sorted({v[1] for v in VECTORS if v[0] == "AES"})) if literal_key else None
    app.write("mule-project.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<mule-project xmlns="http://www.mulesoft.com/tooling/project" runtimeId="org.mule.tooling.server.3.9.%d.ee" schemaVersion="4.0">\n    <name>%s</name>\n    <description>legacy %s sync</description>\n</mule-project>\n' % (rng.randint(0, 5), name, domain))
    app.write("pom.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">\n    <modelVersion>4.0.0</modelVersion>\n    <groupId>com.acme.integration</groupId>\n    <artifactId>%s</artifactId>\n    <version>1.0.%d</version>\n    <packaging>mule</packaging>\n    <properties>\n        <mule.version>3.9.4</mule.version>\n    </properties>\n</project>\n' % (name, rng.randint(0, 20)))
    g = Lines()
    g.add('<?xml version="1.0" encoding="UTF-8"?>\n')
    g.add(MULE3_NS)
    ln = g.add('    <secure-property-placeholder:config name="Secure_Property_Placeholder" key="%s" location="mule.${mule.env}.properties" encryptionAlgorithm="AES" encryptionMode="CBC" doc:name="Secure Property Placeholder"/>'
               % (key if literal_key else "${secure.key}"))
    sub = "src/main/app/global.xml"
    app.plant("IG108", sub, ln, "Mule 3 placeholder: fixed IV")
    if literal_key:
        app.plant("IG103", sub, ln, "Mule 3 placeholder with a literal key")
    ln = g.add('    <sfdc:config name="Salesforce" username="${sfdc.username}" password="${sfdc.password}" securityToken="${sfdc.token}" url="https://login.salesforce.com/services/Soap/u/%d.0" doc:name="Salesforce: Basic Authentication">' % rng.choice((37, 41, 45)))
    app.plant("IG101", sub, ln, "Mule 3 sfdc:config password")
    app.plant("IG206", sub, ln, "Mule 3 sfdc:config without mTLS")
    g.add("        <reconnect count=\"3\" frequency=\"10000\"/>\n    </sfdc:config>\n</mule>")
    app.write(sub, g.text())
    flows = ['<?xml version="1.0" encoding="UTF-8"?>\n\n', MULE3_NS, "\n"]
    for k in range(rng.randint(6, 20)):
        obj, q = soql(rng)
        flows.append('    <flow name="%s-sync-%d">\n        <poll doc:name="Poll">\n            <fixed-frequency-scheduler frequency="%d" timeUnit="MINUTES"/>\n'
                     '            <sfdc:query config-ref="Salesforce" query="dsql:%s" doc:name="Query %s"/>\n        </poll>\n'
                     '        <dw:transform-message doc:name="Map">\n            <dw:set-payload><![CDATA[%%dw 1.0\n%%output application/java\n---\npayload map {\n\tId: $.Id,\n\tExternal_Id__c: $.External_Id__c\n}]]></dw:set-payload>\n        </dw:transform-message>\n'
                     '        <sfdc:upsert config-ref="Salesforce" type="%s" externalIdFieldName="External_Id__c" doc:name="Upsert">\n            <sfdc:objects ref="#[payload]"/>\n        </sfdc:upsert>\n    </flow>\n\n'
                     % (domain, k, rng.choice((5, 15, 60)), q.replace("\n", " ").replace(">", "&gt;"), obj, rng.choice(SOBJECTS)))
    flows.append("</mule>\n")
    app.write("src/main/app/%s.xml" % domain, "".join(flows))
    app.write("src/main/app/mule-app.properties", "mule.env=dev\n")
    app.write("src/main/app/mule-deploy.properties", "redeployment.enabled=true\nencoding=UTF-8\nconfig.resources=global.xml,%s.xml\ndomain=default\n" % domain)
    for env in ENVS:
        p = Lines()
        sub = "src/main/resources/mule.%s.properties" % env
        p.add("# %s - %s" % (name, env))
        p.add("sfdc.username=svc.%s%s@acme.com%s" % (domain, idx, "" if env == "prod" else "." + env))
        for prop, plain in (("sfdc.password", "Legacy%d!%s" % (rng.randint(2015, 2021), env)),
                            ("sfdc.token", "".join(rng.choice(ALNUM) for _ in range(24)))):
            if plain_prod and env == "prod":
                ln = p.add("%s=%s" % (prop, plain))
                app.plant("IG102", sub, ln, "plaintext %s in mule.prod.properties" % prop)
            elif literal_key:
                ln = p.add("%s=![%s]" % (prop, pick_vector(rng, "AES", key, False)))
                app.plant("IG104", sub, ln, "%s decrypts with the literal placeholder key" % prop)
            else:
                p.add("%s=![%s]" % (prop, opaque_value(rng, 16, False)))
        p.add("poll.frequency=%d\nbatch.size=%d" % (rng.choice((5, 15)), rng.choice((200, 1000))))
        app.write(sub, p.text())
    app.write("README.md", "# %s (Mule 3.9)\n\nLegacy sync for %s, to be retired.\n" % (name, domain))


# --------------------------------------------------------------------------------------------
def verify_vectors():
    try:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "tools"))
        import encrypt_mule  # noqa: needs cryptography
    except ImportError as e:
        print("--verify-crypto: cryptography not importable (%s); skipping" % e, file=sys.stderr)
        return
    for alg, key, pt, fixed, rnd in VECTORS:
        assert encrypt_mule.decrypt(alg, "CBC", key, fixed) == pt, (alg, key, pt)
        assert encrypt_mule.decrypt(alg, "CBC", key, rnd, random_iv=True) == pt, (alg, key, pt)
        assert encrypt_mule.encrypt(alg, "CBC", key, pt) == fixed, (alg, key, pt)
    print("verified %d precomputed vectors with cryptography" % len(VECTORS), file=sys.stderr)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--apps", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mule3-ratio", type=float, default=0.05)
    ap.add_argument("--flow-scale", type=float, default=1.0,
                    help="multiply the size of every flow file by this (default 1)")
    ap.add_argument("--force", action="store_true", help="write into a non-empty OUT_DIR")
    ap.add_argument("--verify-crypto", action="store_true", help="re-check the precomputed ciphertexts (needs cryptography)")
    a = ap.parse_args(argv)
    if a.flow_scale <= 0:
        ap.error("--flow-scale must be positive")
    global FLOW_SCALE
    FLOW_SCALE = a.flow_scale
    if os.path.isdir(a.out_dir) and os.listdir(a.out_dir) and not a.force:
        ap.error("%s is not empty (use --force)" % a.out_dir)
    if a.verify_crypto:
        verify_vectors()
    t0 = time.time()
    os.makedirs(a.out_dir, exist_ok=True)
    ledger = {"files": 0, "bytes": 0, "planted": [], "suppressed": []}
    master = random.Random("%d:master" % a.seed)

    # names, and who shares a prod Salesforce user (groups of 2-3 Mule 4 apps, ~3% of apps)
    apps = []
    for i in range(a.apps):
        domain = DOMAINS[i % len(DOMAINS)]
        layer = LAYERS[(i // len(DOMAINS)) % len(LAYERS)]
        mule3 = master.random() < a.mule3_ratio
        apps.append((i, domain, layer, mule3, "%s-%s-%04d" % (domain, "sync" if mule3 else layer, i)))
    m4 = [x[0] for x in apps if not x[3]]
    shared = {}
    pool = master.sample(m4, min(len(m4), max(2, int(a.apps * 0.03)))) if len(m4) >= 2 else []
    g = 0
    while len(pool) >= 2:
        size = min(len(pool), master.choice((2, 2, 3)))
        if len(pool) - size == 1:
            size += 1
        for idx in pool[:size]:
            shared[idx] = "int.shared%02d@acme.com" % g
        pool = pool[size:]
        g += 1

    for i, domain, layer, mule3, name in apps:
        rel = "apps/%s" % name
        app = App(a.out_dir, rel, name, random.Random("%d:%d" % (a.seed, i)), ledger)
        if mule3:
            gen_mule3(app, domain, i)
        else:
            gen_mule4(app, domain, layer, i, plan_app(app.rng, i, shared.get(i)))

    scale = "" if a.flow_scale == 1.0 else " --flow-scale %g" % a.flow_scale
    top = "# acme-platform (synthetic)\n\nGenerated by bench/gen_corpus.py --apps %d --seed %d%s. %d Mule apps under apps/.\n" % (a.apps, a.seed, scale, a.apps)
    with open(os.path.join(a.out_dir, "README.md"), "w") as f:
        f.write(top)
    with open(os.path.join(a.out_dir, ".gitignore"), "w") as f:
        f.write("target/\n")
    ledger["files"] += 2
    counts = {}
    for p in ledger["planted"]:
        counts[p["rule"]] = counts.get(p["rule"], 0) + 1
    apps_with = len({p["app"] for p in ledger["planted"]})
    doc = {
        "generator": "bench/gen_corpus.py",
        "seed": a.seed,
        "apps": a.apps,
        "flow_scale": a.flow_scale,
        "mule3_apps": sum(1 for x in apps if x[3]),
        "apps_with_planted_problems": apps_with,
        "files": ledger["files"] + 1,
        "bytes": ledger["bytes"],
        "encrypted_values": "precomputed Mule-compatible vectors (see VECTORS in gen_corpus.py)",
        "conventions": "path relative to this folder, line 1-based; see examples/acme-integrations/EXPECTED.md",
        "counts": dict(sorted(counts.items())),
        "planted": ledger["planted"],
        "suppressed": ledger["suppressed"],
    }
    with open(os.path.join(a.out_dir, "planted.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    # The corpus is a git repository in which the keystores that the apps' .gitignore
    # matches were force-added (`git add -f`): tracked, so committed, as in real repos.
    forced = ledger.get("force_added", [])
    if forced:
        subprocess.run(["git", "init", "-q", a.out_dir], check=True)
        for i in range(0, len(forced), 200):
            subprocess.run(["git", "-C", a.out_dir, "add", "-f", "--"] + forced[i:i + 200], check=True)
    print("%d apps (%d with planted problems), %d files, %.1f MB, %d planted, %d suppressed, %.1fs"
          % (a.apps, apps_with, doc["files"], ledger["bytes"] / 1e6, len(ledger["planted"]),
             len(ledger["suppressed"]), time.time() - t0), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
