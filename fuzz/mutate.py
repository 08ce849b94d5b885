#!/usr/bin/env python3
"""Mutation fuzzing of intguard's inputs (see fuzz/README.md).

Copies a seed tree (the example or a test fixture), garbles one to six of its
files (truncation, byte flips, inserted markup and placeholders, deep nesting,
long lines, other encodings, splices of other files), runs intguard on the
copy and keeps every case where intguard panicked, crashed, hung or exited
with a code it documents for no such case. Python's standard library only.

  python3 fuzz/mutate.py                       # scan + identities, 2,000 cases
  python3 fuzz/mutate.py --mode fix -n 500     # fix jwt (dry run, write), then fix secrets (dry run, write, rotate, upgrade)
  python3 fuzz/mutate.py --seed 7 --minutes 30 # longer; cases replay by seed
  python3 fuzz/mutate.py --check-secrets       # and no clear secret of an intact file is shown
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What the readers react to: markup, Mule placeholders, secure values,
# encodings, keys, connections.
TOKENS = [
    b"${", b"}", b"${secure::", b"#[p('", b"')]", b"![", b"]", b"<", b">", b"</", b"/>",
    b'"', b"'", b"&", b"&amp;", b"<![CDATA[", b"]]>", b"<!--", b"-->", b"\x00",
    b"\xff\xfe", b"\xef\xbb\xbf", b"\r", b"\r\n", b"\n", b"\t", b":", b": ", b"- ", b"=",
    b"\\", b"${mule.env}", b"${env}", b"http://", b"https://", b"00D", b"!", b"{{", b"*",
    b"&a", b"*a", b"---", b"...", b"%", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98\x80",
    b'<salesforce:basic-connection username="${u}" password="p"/>',
    b'<tls:context><tls:trust-store insecure="true"/></tls:context>',
    b"-----BEGIN PRIVATE KEY-----", b"-----END PRIVATE KEY-----", b"encryption.key=",
    b'key: "![AAAA]"', b"SELECT Id, (SELECT Id FROM Contacts) FROM Account",
    b'#["SELECT Id FROM " ++ vars.o]', b' type="#[vars.t]"', b" FROM ${sfdc.object}",
    b"password: |\n  BlockSecret1\n", b"sfdc.password = Part\\\n  Two\n",
]

# Exit codes intguard documents: 0 clean, 1 findings at the threshold, 2 usage
# error or an input it refuses (fix: wrong key, nothing it can do safely).
ALLOWED = {"scan": {0, 1}, "fix": {0, 1, 2}}

FIX_KEY = "MuleSecretKey16!"  # the key of crates/fix/tests/fixtures
FIX_NEW_KEY = "N3w-Key-For-2026"


# A mutant is cut at this size: above the readers' 32 MiB limit (that path is
# still exercised), below what repeated growth would make of it (a slice
# repeated 100 times over, case after case, exhausted the fuzzer's memory).
MAX_MUTANT = 40 * 1024 * 1024


def mutate(data: bytes, rnd: random.Random, others: list) -> bytes:
    return mutate_once(data, rnd, others)[:MAX_MUTANT]


def mutate_once(data: bytes, rnd: random.Random, others: list) -> bytes:
    n = len(data)
    p = rnd.randrange(n + 1) if n else 0
    kind = rnd.randrange(12)
    if kind == 0:  # truncate
        return data[:p]
    if kind == 1:  # flip bytes
        b = bytearray(data)
        for _ in range(rnd.randint(1, 8)):
            if b:
                b[rnd.randrange(len(b))] = rnd.randrange(256)
        return bytes(b)
    if kind in (2, 3, 4):  # insert a token, sometimes repeated
        return data[:p] + rnd.choice(TOKENS) * rnd.choice([1, 1, 1, 2, 50]) + data[p:]
    q = rnd.randrange(p, n + 1) if n else 0
    if kind == 5:  # repeat a slice (no more than the cap needs)
        times = min(rnd.choice([2, 3, 100]), MAX_MUTANT // max(1, q - p) + 1)
        return data[:p] + data[p:q] * times + data[q:]
    if kind == 6:  # delete a slice
        return data[:p] + data[q:]
    if kind == 7:  # splice in part of another file
        o = rnd.choice(others)
        a = rnd.randrange(len(o) + 1)
        return data[:p] + o[a:rnd.randrange(a, len(o) + 1)] + data[p:]
    if kind == 8:  # deep nesting
        return data[:p] + b"<a>" * rnd.choice([100, 5000, 300000]) + data[p:]
    if kind == 9:  # line endings
        return data.replace(b"\n", rnd.choice([b"\r\n", b"\r", b"\n\n"]))
    if kind == 10:  # BOM, or the whole file in UTF-16
        if rnd.random() < 0.5:
            return b"\xef\xbb\xbf" + data
        return b"\xff\xfe" + data.decode("latin1").encode("utf-16-le")
    return data[:p] + b"x" * rnd.choice([10_000, 200_000]) + data[p:]  # long line


# `name: value` / `name = value` / `name="value"` where the name's last word is
# a password, secret or token: the values no output may show.
ASSIGNMENT = re.compile(rb"""(?im)^[ \t]*([\w.\-]+)[ \t]*[:=][ \t]*["']?([^"'\r\n#]{8,}?)["']?[ \t]*$""")
ATTRIBUTE = re.compile(rb'([\w:\-]+)[ \t]*=[ \t]*"([^"$<>&]{8,})"')
DUMMIES = {b"changeit", b"changeme", b"<password>", b"<secret>", b"password", b"xxxxxxxx"}


def secrets_in(path: str) -> set:
    """Clear secret values in one file (the oracle of --check-secrets)."""
    try:
        data = open(path, "rb").read()
    except OSError:
        return set()
    found = set()
    for name, value in ASSIGNMENT.findall(data) + ATTRIBUTE.findall(data):
        leaf = re.split(rb"[.\-_:]", name)[-1].lower()
        if not leaf.endswith((b"password", b"passwd", b"passphrase", b"secret", b"token")):
            continue
        value = value.strip()
        if (b"${" in value or b"#[" in value or value.startswith(b"![") or b"://" in value
                or value.lower() in DUMMIES or len(set(value)) < 4):
            continue
        found.add(value)
    return found


def leaked(output: bytes, fmt: str, secrets: set) -> list:
    if fmt == "sarif":
        # Rule help is documentation: its examples are not the scanned files'.
        try:
            sarif = json.loads(output)
            for run in sarif.get("runs", []):
                run.get("tool", {}).get("driver", {}).pop("rules", None)
            output = json.dumps(sarif).encode()
        except ValueError:
            pass
    if fmt == "html":
        # Likewise the rules' documentation at the end of the page.
        output = re.sub(rb'<section id="rules">.*?</section>\n</section>\n', b"", output, flags=re.S)

    def forms(s: bytes) -> list:
        escaped = s.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")
        escaped = escaped.replace(b'"', b"&quot;").replace(b"'", b"&#39;")
        return [s, json.dumps(s.decode("latin1"))[1:-1].encode(), escaped]
    return sorted(s for s in secrets if any(f in output for f in forms(s)))


def default_seeds() -> list:
    seeds = [os.path.join(ROOT, "examples", "acme-integrations")]
    for base in ("crates/rules/tests/fixtures", "crates/readers/tests/fixtures",
                 "crates/fix/tests/fixtures"):
        for dirpath, dirnames, _ in os.walk(os.path.join(ROOT, base)):
            # A seed is a fixture tree: a rule's positive/negative folder, or a
            # readers/fix fixture.
            if base.endswith("rules/tests/fixtures") and os.path.basename(dirpath).startswith("IG"):
                seeds += [os.path.join(dirpath, d) for d in sorted(dirnames)]
                dirnames.clear()
            elif not base.endswith("rules/tests/fixtures") and os.path.dirname(dirpath) == os.path.join(ROOT, base):
                seeds.append(dirpath)
                dirnames.clear()
    return sorted(seeds)  # os.walk's order is the file system's: sort, so a seed replays


def commands(binary: str, tree: str, mode: str, rnd: random.Random) -> list:
    if mode == "fix":
        fix = [binary, "fix", "secrets", "--key-env", "FUZZ_KEY"]
        jwt = [binary, "fix", "jwt"]
        return [jwt + ["--dry-run", tree], jwt + ["--force", tree],
                fix + ["--dry-run", tree], fix + ["--force", tree],
                fix + ["--rotate-key", "FUZZ_NEW_KEY", "--force", tree],
                [binary, "fix", "secrets", "--key-env", "FUZZ_NEW_KEY", "--upgrade-encryption",
                 "--force", tree]]
    fmt = rnd.choice(["text", "json", "sarif", "markdown", "html"])
    return [[binary, "scan", tree, "--format", fmt, "--fail-on", "none"],
            [binary, "identities", tree, "--format", rnd.choice(["text", "json"])],
            [binary, "fix", "permissions", tree, "--dry-run"]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "intguard"))
    ap.add_argument("--mode", choices=["scan", "fix"], default="scan")
    ap.add_argument("-n", "--iterations", type=int, default=2000)
    ap.add_argument("--minutes", type=float, help="stop after this long instead")
    ap.add_argument("--seed", type=int, default=1, help="random seed: the same seed replays the same cases")
    ap.add_argument("--timeout", type=float, default=60, help="seconds before a run counts as hung")
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "fuzz-cases"))
    ap.add_argument("--check-secrets", action="store_true",
                    help="scan mode: also fail a case whose output shows a clear secret of a file left intact")
    ap.add_argument("seeds", nargs="*", help="seed trees (default: the example and the fixtures)")
    args = ap.parse_args()
    if not os.access(args.binary, os.X_OK):
        print(f"no intguard binary at {args.binary}: cargo build --release -p intguard-cli", file=sys.stderr)
        return 2
    seeds = args.seeds or default_seeds()
    os.makedirs(args.out, exist_ok=True)
    env = dict(os.environ, FUZZ_KEY=FIX_KEY, FUZZ_NEW_KEY=FIX_NEW_KEY, NO_COLOR="1")
    rnd = random.Random(args.seed)
    deadline = time.time() + args.minutes * 60 if args.minutes else None
    bad = done = 0
    work = tempfile.mkdtemp(prefix="intguard-fuzz-")
    try:
        while (deadline is None and done < args.iterations) or (deadline and time.time() < deadline):
            case = f"{args.mode}-{args.seed}-{done}"
            tree = os.path.join(work, case)
            shutil.copytree(rnd.choice(seeds), tree, symlinks=True)
            files = sorted(os.path.join(d, f) for d, _, fs in os.walk(tree) for f in fs
                           if not os.path.islink(os.path.join(d, f)))
            others = [open(f, "rb").read()[:20000] for f in rnd.sample(files, min(5, len(files)))]
            changed = []
            intact = set(files)
            for _ in range(rnd.choice([1, 1, 2, 3, 6])):
                f = rnd.choice(files)
                data = open(f, "rb").read()
                for _ in range(rnd.choice([1, 1, 2, 4])):
                    data = mutate(data, rnd, others)
                with open(f, "wb") as out:
                    out.write(data)
                changed.append(os.path.relpath(f, tree))
                intact.discard(f)
            secrets = set()
            if args.check_secrets and args.mode == "scan":
                for f in intact:
                    secrets |= secrets_in(f)
            for cmd in commands(args.binary, tree, args.mode, rnd):
                try:
                    r = subprocess.run(cmd, capture_output=True, timeout=args.timeout, env=env,
                                       stdin=subprocess.DEVNULL)
                    why = None
                    if r.returncode not in ALLOWED[args.mode]:
                        why = f"exit code {r.returncode}"
                    elif b"panicked" in r.stderr:
                        why = "panic"
                    elif secrets and cmd[1] in ("scan", "fix"):
                        fmt = cmd[cmd.index("--format") + 1] if "--format" in cmd else "text"
                        shown = leaked(r.stdout + r.stderr, fmt, secrets)
                        if shown:
                            why = "secret in the output: " + ", ".join(v.decode("latin1") for v in shown)
                    stderr = r.stderr
                except subprocess.TimeoutExpired:
                    why, stderr = f"no result after {args.timeout:.0f} s", b""
                if why:
                    bad += 1
                    kept = os.path.join(args.out, case)
                    shutil.rmtree(kept, ignore_errors=True)
                    shutil.copytree(tree, kept, symlinks=True)
                    with open(kept + ".txt", "w") as note:
                        note.write(f"{why}\ncommand: {' '.join(cmd)}\nchanged: {changed}\n\n")
                        note.write(stderr.decode("utf-8", "replace")[-4000:])
                    print(f"BAD {kept}: {why} ({' '.join(cmd[1:3])}; changed {changed})", flush=True)
                    break
            shutil.rmtree(tree, ignore_errors=True)
            done += 1
            if done % 500 == 0:
                print(f"{done} cases, {bad} bad", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{done} cases ({args.mode}, seed {args.seed}), {bad} bad" + (f": kept in {args.out}" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
