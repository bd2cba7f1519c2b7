#!/usr/bin/env bash
# What a layout costs a scan, in one command:
#
#   bench/layout_bench.sh [--cars N] [--reps R] [--dir DIR] [--no-build]
#                         [--baseline TIDEMARK]
#
# 1. builds the release binaries it needs (build/), unless --no-build;
# 2. generates a seed-000 tree (default 2,000 cars in 4 regions, 14 slots
#    each, 0-6 photos per slot and a _LOCK.json in every third slot: about
#    50 files per car) under DIR (default $BENCH_DIR or /tmp/tidemark-bench),
#    or reuses it;
# 3. measures R times each (default 3), warm cache, and reports medians:
#      find DIR -printf ...                          the reference
#      tidemark cold scan --hash none, no layout     the scan alone
#      tidemark cold scan --hash none, --layout cars the scan + the entities
#      tidemark cars list --json                     reading every car
#    with --baseline, the cold scans of that binary (another build, say
#    the commit before a change) too, each right after this build's;
# 4. prints a table and writes it to bench/results/layout_latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

CARS=2000
REPS=3
BENCH_DIR="${BENCH_DIR:-/tmp/tidemark-bench}"
BUILD=true
BASELINE=""
usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; }
die() { echo "layout_bench: $*" >&2; exit 1; }
while (($#)); do
  case "$1" in
    --cars) CARS="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --dir) BENCH_DIR="$2"; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    --baseline) BASELINE="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

if $BUILD; then
  cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$ROOT/build" --target tidemark tidemark_runstat -j2 >/dev/null
fi
TIDEMARK="$ROOT/build/tidemark"
RUNSTAT="$ROOT/build/bench/tidemark_runstat"
[[ -x "$TIDEMARK" && -x "$RUNSTAT" ]] || die "build first (or drop --no-build)"
[[ -z "$BASELINE" || -x "$BASELINE" ]] || die "--baseline $BASELINE is not an executable"
source "$ROOT/bench/bench_lib.sh"

mkdir -p "$BENCH_DIR"
TREE="$BENCH_DIR/cars-$CARS"
WORK="$BENCH_DIR/layout-run"
rm -rf "$WORK"
mkdir -p "$WORK"

if [[ ! -f "$TREE.generated" ]]; then
  rm -rf "$TREE"
  echo "==> generating $CARS cars in $TREE"
  python3 - "$TREE" "$CARS" <<'PY'
import os, random, sys
root, cars = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
alnum = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
makes = [("Toyota", "Camry"), ("BMW", "X5 M Sport"), ("Lada", "Vesta"), ("Kia", "Rio")]
slots = [("1. Дилер фото", None)] + [("2. Выкуп фото", i) for i in range(1, 9)] + \
        [("3. Муляги фото", i) for i in range(1, 6)]
n = 0
for c in range(cars):
    region = ["MSK", "SPB", "KZN", "EKB"][c % 4]
    make, model = makes[c % len(makes)]
    vin = "".join(rng.choice(alnum) for _ in range(17))
    name = f"{make} {model} {vin}"
    for s, (group, index) in enumerate(slots):
        d = os.path.join(root, region, name, group, name if index is None else f"{index}. {name}")
        os.makedirs(d, exist_ok=True)
        for p in range(rng.randint(0, 6)):
            with open(os.path.join(d, f"IMG_{p:04d}.jpg"), "wb") as f:
                f.write(b"x" * rng.randint(0, 4096))
            n += 1
        if s % 3 == 0:
            with open(os.path.join(d, "_LOCK.json"), "w") as f:
                f.write('{"locked_by": "bench", "locked_at": "2026-01-01T00:00:00Z"}')
            n += 1
print(n)
PY
  touch "$TREE.generated"
fi
FILES="$(find "$TREE" -type f | wc -l)"
echo "==> $FILES files, $CARS cars"
find "$TREE" -printf '%s %T@ %p\n' >/dev/null

declare -a FIND PLAIN LAYOUT LIST BASE_PLAIN BASE_LAYOUT
# cold_scan LABEL BINARY [--layout cars]: one cold scan into a new catalog.
cold_scan() {
  local label="$1" binary="$2" db="$WORK/$1.db"
  shift 2
  rm -f "$db"*
  "$binary" --db "$db" repo add cars "$TREE" "$@" >/dev/null
  measure "$label" quiet "$binary" --db "$db" -q scan cars --hash none
}
for ((i = 1; i <= REPS; i++)); do
  measure "find-$i" quiet find "$TREE" -printf '%s %T@ %p\n'
  FIND+=("$LAST_WALL_MS")
  cold_scan "plain-$i" "$TIDEMARK"
  PLAIN+=("$LAST_WALL_MS")
  if [[ -n "$BASELINE" ]]; then
    cold_scan "base-plain-$i" "$BASELINE"
    BASE_PLAIN+=("$LAST_WALL_MS")
  fi
  cold_scan "layout-$i" "$TIDEMARK" --layout cars
  LAYOUT+=("$LAST_WALL_MS")
  if [[ -n "$BASELINE" ]]; then
    cold_scan "base-layout-$i" "$BASELINE" --layout cars
    BASE_LAYOUT+=("$LAST_WALL_MS")
  fi
  measure "list-$i" quiet "$TIDEMARK" --db "$WORK/layout-$i.db" cars list cars --json
  LIST+=("$LAST_WALL_MS")
done
got="$("$TIDEMARK" --db "$WORK/layout-1.db" cars list cars --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
[[ "$got" == "$CARS" ]] || die "expected $CARS cars, the catalog has $got"

f="$(median "${FIND[@]}")" p="$(median "${PLAIN[@]}")" l="$(median "${LAYOUT[@]}")" c="$(median "${LIST[@]}")"
mkdir -p "$ROOT/bench/results"
{
  echo "# Layout benchmark ($(date -u +%Y-%m-%d), $(fmt_count "$FILES") files, $CARS cars, medians of $REPS)"
  echo
  echo "| run | median | files/s | vs find |"
  echo "|---|---|---|---|"
  echo "| find -printf | $(fmt_ms "$f") | $(fmt_rate "$FILES" "$f") | 1.00x |"
  echo "| cold scan, no layout | $(fmt_ms "$p") | $(fmt_rate "$FILES" "$p") | $(fmt_ratio "$p" "$f") |"
  echo "| cold scan, --layout cars | $(fmt_ms "$l") | $(fmt_rate "$FILES" "$l") | $(fmt_ratio "$l" "$f") |"
  echo "| cars list --json ($CARS cars, 14 slots each) | $(fmt_ms "$c") | | |"
  if [[ -n "$BASELINE" ]]; then
    bp="$(median "${BASE_PLAIN[@]}")" bl="$(median "${BASE_LAYOUT[@]}")"
    echo "| baseline: cold scan, no layout | $(fmt_ms "$bp") | $(fmt_rate "$FILES" "$bp") | $(fmt_ratio "$bp" "$f") |"
    echo "| baseline: cold scan, --layout cars | $(fmt_ms "$bl") | $(fmt_rate "$FILES" "$bl") | $(fmt_ratio "$bl" "$f") |"
  fi
  echo
  echo "The layout costs $(fmt_ratio "$l" "$p") the plain scan."
  if [[ -n "$BASELINE" ]]; then
    echo "Baseline: $BASELINE ($("$BASELINE" --version 2>/dev/null | head -n 1)); its layout costs $(fmt_ratio "$bl" "$bp") its plain scan."
  fi
  echo "Runs (ms): plain ${PLAIN[*]}; layout ${LAYOUT[*]}${BASELINE:+; baseline plain ${BASE_PLAIN[*]}; baseline layout ${BASE_LAYOUT[*]}}."
} | tee "$ROOT/bench/results/layout_latest.md"
