#!/usr/bin/env python3
"""Sanity-check a corpus made by gen_corpus.py, without intguard.

    python3 bench/check_corpus.py OUT_DIR

1. every planted.json line holds what its rule says (pattern per rule);
2. every IG104 value really decrypts with the key planted as IG103 in the same app
   (needs `cryptography`, via examples/tools/encrypt_mule.py; skipped if missing);
3. every generated XML file is well-formed;
4. a crude independent grep finds no problem-looking line that planted.json does not list
   (READMEs excluded: they name users in prose).
Exit 0 when all hold.
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples", "tools"))

PATTERNS = {
    "IG101": r"basic-connection|oauth-user-pass-connection|<sfdc:config ",
    "IG102": r'password: "[^$!]|password="changeit"|^sfdc\.(password|token)=[^!]',
    "IG103": r'encryption\.key" value=|key="(?!\$)|<encryption\.key>[^$]|^  key: "',
    "IG104": r"!\[",
    "IG105": r"BEGIN|xfe|x82",
    "IG106": r"00D[A-Za-z0-9]{12,15}!",
    "IG107": r'key="\$\{encryption\.key\}"|password="\$\{sfdc\.password\}"',
    "IG108": r'Blowfish|DES|ECB|algorithm="AES" mode="CBC" />|secure-property-placeholder',
    "IG109": r'listener-connection host|protocol="HTTP"|tokenEndpoint="http://',
    "IG110": r'insecure="true"|TLSv1,',
    "IG206": r"connection |<sfdc:config ",
    "IG303": r'username: "int\.shared',
}
CRUDE = [r'insecure="true"', r'protocol="HTTP"', r"basic-connection", r"oauth-user-pass",
         r"00D[A-Za-z0-9]{12,15}!", r'algorithm="(Blowfish|DES)"', r'mode="ECB"', r"TLSv1,",
         r"listener-connection host=", r"BEGIN .*PRIVATE KEY", r"int\.shared",
         r'(secure-properties:config|placeholder:config).* key="(?!\$)']


def main(root):
    d = json.load(open(os.path.join(root, "planted.json")))
    cache = {}

    def line(path, n):
        if path not in cache:
            data = open(os.path.join(root, path), "rb").read()
            try:
                cache[path] = data.decode("utf-8").split("\n")
            except UnicodeDecodeError:
                cache[path] = [repr(data[:40])]
        return cache[path][n - 1]

    bad = 0
    keys = {}
    for p in d["planted"] + d["suppressed"]:
        text = line(p["path"], p["line"])
        if not re.search(PATTERNS[p["rule"]], text):
            bad += 1
            print("MISMATCH", p, text[:160])
        if p["rule"] == "IG103":
            m = re.search(r'value="([^"]+)"|key="([^"]+)"|<encryption\.key>([^<]+)<|key: "([^"]+)"', text)
            keys[p["app"]] = next(x for x in m.groups() if x)
    try:
        from encrypt_mule import decrypt
    except ImportError:
        decrypt = None
        print("cryptography not importable: IG104 decryption not checked")
    if decrypt:
        n = 0
        for p in d["planted"]:
            if p["rule"] != "IG104":
                continue
            v = re.search(r"!\[([^\]]+)\]", line(p["path"], p["line"])).group(1)
            ok = False
            for alg in ("AES", "Blowfish"):
                for rnd in (False, True):
                    try:
                        ok = decrypt(alg, "CBC", keys[p["app"]], v, random_iv=rnd).isprintable()
                    except Exception:
                        ok = False
                    if ok:
                        break
                if ok:
                    break
            n += 1
            if not ok:
                bad += 1
                print("DOES NOT DECRYPT", p)
        print("IG104 values decrypted:", n)
    listed = {(p["path"], p["line"]) for p in d["planted"] + d["suppressed"]}
    crude = re.compile("|".join("(?:%s)" % c for c in CRUDE))
    xml_files = extra = 0
    for dp, _, fn in os.walk(os.path.join(root, "apps")):
        for f in fn:
            full = os.path.join(dp, f)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if f.endswith(".xml"):
                try:
                    ET.parse(full)
                except ET.ParseError as e:
                    bad += 1
                    print("XML", rel, e)
                xml_files += 1
            if f == "README.md":
                continue
            try:
                text = open(full, encoding="utf-8").read()
            except UnicodeDecodeError:
                continue
            if not crude.search(text):
                continue
            for i, l in enumerate(text.split("\n"), 1):
                if (rel, i) not in listed and crude.search(l):
                    extra += 1
                    if extra <= 20:
                        print("NOT IN planted.json", rel, i, l.strip()[:140])
    print("planted %d, suppressed %d, xml files %d, unlisted suspicious lines %d, problems %d"
          % (len(d["planted"]), len(d["suppressed"]), xml_files, extra, bad))
    return 1 if bad or extra else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
