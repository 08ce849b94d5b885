#!/usr/bin/env bash
# Builds a profile-guided (PGO) release binary of intguard: the same code and the same output
# as `cargo build --release`, laid out by the compiler for how a scan runs. Measured on the
# benchmark's 2,000-app corpus (bench/README.md, "PGO build"): about a tenth less CPU time.
#
#   bash scripts/build-pgo.sh            # -> target/pgo/release/intguard
#   bash scripts/build-pgo.sh --floor    # also the benchmark's floor, trained the same way
#   bash scripts/build-pgo.sh --check    # print the llvm-profdata it would use, or fail
#
# Steps: an instrumented build (target/pgo-gen); training runs on a generated 150-app Mule
# monorepo (bench/gen_corpus.py, seed 7: the benchmark measures seed 1), a small generated
# Salesforce org and examples/, in every report format and through `identities`, `fix jwt`
# and `fix permissions` (a path no run takes is optimized as cold, so each command is run
# once), and bench/adversarial.py's inputs (the same, for the readers' and rules' rare
# paths); the profiles merged with llvm-profdata; the optimized build (target/pgo); and a check
# that it reports the example exactly as the plain release build does. RUSTFLAGS set in the
# environment apply to both builds, before the profile's flag.
#
# llvm-profdata must read what rustc's LLVM writes. Looked for in this order: $LLVM_PROFDATA;
# rustup's llvm-tools (`rustup component add llvm-tools`); the newest /usr/lib/llvm-*/bin
# (Debian: `apt-get install llvm-19`, which reads the profiles of rustc 1.95's LLVM 22).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

WITH_FLOOR=0
CHECK_ONLY=0
for arg in "$@"; do
    case $arg in
        --floor) WITH_FLOOR=1 ;;
        --check) CHECK_ONLY=1 ;;
        -h | --help)
            # The comment block at the top, whatever its length.
            awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
            exit 0
            ;;
        *)
            echo "build-pgo.sh: unknown argument $arg (see --help)" >&2
            exit 2
            ;;
    esac
done

say() { printf '== %s\n' "$*" >&2; }
die() {
    printf 'build-pgo.sh: %s\n' "$*" >&2
    exit 1
}

find_profdata() {
    if [[ -n ${LLVM_PROFDATA:-} ]]; then
        echo "$LLVM_PROFDATA"
        return
    fi
    local host sysroot
    host=$(rustc -vV | sed -n 's/^host: //p')
    sysroot=$(rustc --print sysroot)
    if [[ -x $sysroot/lib/rustlib/$host/bin/llvm-profdata ]]; then
        echo "$sysroot/lib/rustlib/$host/bin/llvm-profdata"
        return
    fi
    local newest
    newest=$(ls -d /usr/lib/llvm-*/bin/llvm-profdata 2>/dev/null | sort -t- -k2 -n | tail -1 || true)
    if [[ -n $newest ]]; then
        echo "$newest"
        return
    fi
    command -v llvm-profdata || true
}
PROFDATA=$(find_profdata)
[[ -n $PROFDATA && -x $PROFDATA ]] ||
    die "llvm-profdata not found: rustup component add llvm-tools, or apt-get install llvm-19, or set LLVM_PROFDATA"
if [[ $CHECK_ONLY == 1 ]]; then
    echo "$PROFDATA"
    exit 0
fi

PACKAGES=(-p intguard-cli)
if [[ $WITH_FLOOR == 1 ]]; then
    PACKAGES+=(-p intguard-bench-floor)
fi
GEN_TARGET=$ROOT/target/pgo-gen
USE_TARGET=$ROOT/target/pgo
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Fixed paths, so that a second run rebuilds only what changed: the instrumented binary writes
# its counts where it was built to; the optimized build reads the merged profile by its hash
# (cargo does not see a profile's content change, only its path).
PROFILES=$GEN_TARGET/profiles

say "instrumented build (target/pgo-gen)"
RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-Cprofile-generate=$PROFILES" CARGO_TARGET_DIR=$GEN_TARGET \
    cargo build --release "${PACKAGES[@]}"

say "training inputs: a 150-app Mule monorepo (seed 7) and a 20-profile org"
python3 bench/gen_corpus.py "$WORK/corpus" --apps 150 --seed 7 >/dev/null
python3 bench/gen_org.py "$WORK/org" --profiles 20 --profile-mb 0.5 --permsets 40 --seed 7 >/dev/null
EXAMPLE=$ROOT/examples/acme-integrations

say "training runs"
rm -rf "$PROFILES"
BIN=$GEN_TARGET/release/intguard
for format in json sarif text markdown html; do
    "$BIN" scan "$WORK/corpus" --format "$format" --output "$WORK/out.$format" --fail-on none
done
"$BIN" scan "$WORK/org" --format json --output "$WORK/org.json" --fail-on none
"$BIN" scan "$EXAMPLE" --format json --output "$WORK/example.json" --fail-on none
"$BIN" scan "$EXAMPLE" --format text --fail-on none >/dev/null
"$BIN" identities "$EXAMPLE" >/dev/null
"$BIN" identities "$EXAMPLE" --format json >/dev/null
# The fixes write only to copies, inside the work folder.
cp -r "$EXAMPLE" "$WORK/fix"
# A dry run exits 1 when it would change something.
dry_run() { "$@" >/dev/null 2>&1 || [[ $? == 1 ]]; }
dry_run "$BIN" fix jwt "$WORK/fix" --dry-run
dry_run "$BIN" fix permissions "$WORK/fix" --dry-run
"$BIN" rule >/dev/null
# The benchmark's adversarial inputs, each once: a path no training run takes is laid out as
# cold, and a build trained without them took up to 1.8 times as long on them (chained keys,
# identity hints, nested references).
python3 bench/adversarial.py "$BIN" --budget 100000 >/dev/null
if [[ $WITH_FLOOR == 1 ]]; then
    "$GEN_TARGET/release/intguard-bench-floor" "$WORK/corpus" >/dev/null
fi

say "merging the profiles ($PROFDATA)"
"$PROFDATA" merge -o "$WORK/merged.profdata" "$PROFILES" ||
    die "$PROFDATA could not read the profiles rustc $(rustc -vV | sed -n 's/^LLVM version: //p') wrote: use rustup's llvm-tools (rustup component add llvm-tools) or a newer LLVM"

mkdir -p "$USE_TARGET/profiles"
MERGED=$USE_TARGET/profiles/$(sha256sum "$WORK/merged.profdata" | cut -c1-16).profdata
cp "$WORK/merged.profdata" "$MERGED"

say "optimized build (target/pgo)"
RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-Cprofile-use=$MERGED" CARGO_TARGET_DIR=$USE_TARGET \
    cargo build --release "${PACKAGES[@]}"

say "checking it reports the example as the plain release build does"
cargo build --release -p intguard-cli
PLAIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/intguard
"$PLAIN" scan "$EXAMPLE" --format json --output "$WORK/plain.json" --fail-on none
"$USE_TARGET/release/intguard" scan "$EXAMPLE" --format json --output "$WORK/pgo.json" --fail-on none
cmp -s "$WORK/plain.json" "$WORK/pgo.json" ||
    die "the PGO build's report of examples/ differs from the plain build's"
say "built $USE_TARGET/release/intguard"
