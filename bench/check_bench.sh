#!/usr/bin/env bash
# The check benchmark (seed 003's "check all products"), in one command:
#
#   bench/check_bench.sh [--products N] [--reps R] [--seed S] [--dir DIR]
#                        [--build-dir DIR] [--no-build]
#
# 1. builds the release binaries it needs (build/, or --build-dir), unless
#    --no-build;
# 2. generates a seed-003 tree of N products (default 10,000) with 10 small
#    files each (products/p<N>/<variant>/<imageType>/<file>, 100,000 files)
#    with tidemark_gen_products, or reuses the one already generated, under
#    DIR (default $BENCH_DIR or /tmp/tidemark-bench), and a `cp -a` copy of it
#    for rclone to compare against;
# 3. adds the tree with --layout products to a fresh SQLite catalog and scans
#    it, then warms the page cache;
# 4. measures R times each (default 3), reporting medians:
#      tidemark check NAME --json > /dev/null   check-all: every path merged
#                                               and grouped by product
#      rclone check SRC COPY --size-only        the metadata-only reference
#      rclone check SRC COPY                    rclone's default (hashes)
#      find SRC -printf '%s %T@ %p\n'           the floor: one stat per file
#    and the ratios. The target is check-all <= 2 s;
# 5. prints a table and writes it as markdown to bench/results/check_latest.md.
#
# Every run is timed by tidemark_runstat. Exits 1 if a command fails, the
# check is not clean or does not see every file, or the target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

PRODUCTS=10000
REPS=3
SEED=42
BENCH_DIR="${BENCH_DIR:-/tmp/tidemark-bench}"
BUILD_DIR="$ROOT/build"
BUILD=true
TARGET_MS=2000

usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; }
die() {
  echo "check_bench: $*" >&2
  exit 1
}
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; }
need_count() { [[ "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || die "$1 wants a positive integer, got '$2'"; }

while (($# > 0)); do
  case "$1" in
    --products) need_value "$@"; PRODUCTS="$2"; shift 2 ;;
    --reps) need_value "$@"; REPS="$2"; shift 2 ;;
    --seed) need_value "$@"; SEED="$2"; shift 2 ;;
    --dir) need_value "$@"; BENCH_DIR="$2"; shift 2 ;;
    --build-dir) need_value "$@"; BUILD_DIR="$(cd "$2" && pwd)"; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
need_count --products "$PRODUCTS"
need_count --reps "$REPS"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "--seed wants a non-negative integer, got '$SEED'"
FILES=$((PRODUCTS * 10))

TIDEMARK="$BUILD_DIR/tidemark"
GEN="$BUILD_DIR/bench/tidemark_gen_products"
RUNSTAT="$BUILD_DIR/bench/tidemark_runstat"
RESULTS_MD="$ROOT/bench/results/check_latest.md"

# --- build -------------------------------------------------------------------
if $BUILD; then
  [[ "$BUILD_DIR" == "$ROOT/build" ]] || die "--build-dir is for binaries built elsewhere; add --no-build"
  echo "==> building tidemark tidemark_gen_products tidemark_runstat (release)"
  build_log="$(mktemp -t tidemark-bench-build.XXXXXX)"
  if ! ./scripts/build.sh release tidemark tidemark_gen_products tidemark_runstat >"$build_log" 2>&1; then
    tail -n 40 "$build_log" >&2
    rm -f "$build_log"
    die "the release build failed (last lines above)"
  fi
  rm -f "$build_log"
fi
for bin in "$TIDEMARK" "$GEN" "$RUNSTAT"; do
  [[ -x "$bin" ]] || die "$bin is missing; run scripts/build.sh release (or give --build-dir)"
done
command -v rclone >/dev/null || die "rclone is missing; run scripts/install-deps.sh"

mkdir -p "$BENCH_DIR" || die "cannot create the bench dir $BENCH_DIR (set BENCH_DIR or --dir)"
BENCH_DIR="$(cd "$BENCH_DIR" && pwd)"
WORK="$BENCH_DIR/check-run"
rm -rf "$WORK"
mkdir -p "$WORK"
export RCLONE_CONFIG=/dev/null
export RCLONE_CACHE_DIR="$WORK/rclone-cache"

# shellcheck source=bench/bench_lib.sh
source "$ROOT/bench/bench_lib.sh"

FAILED=()
GEN_NOTES=()

# --- the tree and its copy ---------------------------------------------------------
TREE="$BENCH_DIR/products-n$PRODUCTS-s$SEED"
COPY="$TREE.copy"
marker="$TREE.generated"
want="products=$PRODUCTS seed=$SEED files=10"
if [[ -d "$TREE" && -d "$COPY" && -f "$marker" && "$(head -n 1 "$marker")" == "$want" ]]; then
  echo "==> reusing $TREE ($(fmt_count "$FILES") files) and its copy"
else
  rm -rf "$TREE" "$COPY" "$marker"
  avail_kb="$(df -Pk "$BENCH_DIR" | awk 'NR==2 {print $4}')"
  need_kb=$((FILES * 2 * 5 + 262144))
  [[ -z "$avail_kb" ]] || ((avail_kb >= need_kb)) ||
    die "not enough space in $BENCH_DIR: $((avail_kb / 1024)) MiB free, about $((need_kb / 1024)) MiB needed"
  echo "==> generating $(fmt_count "$FILES") files of $(fmt_count "$PRODUCTS") products in $TREE"
  measure gen quiet "$GEN" --root "$TREE" --products "$PRODUCTS" --seed "$SEED" --quiet ||
    die "tidemark_gen_products failed"
  GEN_NOTES+=("generated $(fmt_count "$FILES") files in $(fmt_ms "$LAST_WALL_MS")")
  echo "==> copying it for rclone (cp -a)"
  cp -a "$TREE" "$COPY"
  printf '%s\n' "$want" >"$marker"
fi

# --- the catalog -------------------------------------------------------------------
DB="$WORK/check.db"
echo "==> repo add --layout products, scan into SQLite"
"$TIDEMARK" --db "$DB" repo add products "$TREE" --layout products >"$WORK/repo-add.out" 2>&1 ||
  die "tidemark repo add failed: $(cat "$WORK/repo-add.out")"
measure scan quiet "$TIDEMARK" --db "$DB" scan products || die "the scan failed (stderr in $WORK/scan.err)"
SCAN_MS="$LAST_WALL_MS"
echo "    $(fmt_ms "$SCAN_MS")"
echo "==> warming the page cache"
warm "$TREE"
warm "$COPY"

# One checked run first: the check must be clean and see everything.
"$TIDEMARK" --db "$DB" check products --json >"$WORK/check.json" 2>"$WORK/check-first.err" ||
  die "the first check was not clean (exit $?): $(head -c 600 "$WORK/check.json") $(tail -n 5 "$WORK/check-first.err")"
[[ "$(json_num files "$WORK/check.json")" == "$FILES" ]] ||
  FAILED+=("check saw $(json_num files "$WORK/check.json") files, expected $FILES")
[[ "$(json_num entities "$WORK/check.json")" == "$PRODUCTS" ]] ||
  FAILED+=("check saw $(json_num entities "$WORK/check.json") products, expected $PRODUCTS")

# --- measurements ----------------------------------------------------------------------
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
declare -a check_ms=() check_rss=() size_ms=() size_rss=() hash_ms=() hash_rss=() find_ms=() find_rss=()
for ((r = 1; r <= REPS; r++)); do
  echo "==> rep $r/$REPS: tidemark check --json (check-all)"
  measure check quiet "$TIDEMARK" --db "$DB" check products --json || die "tidemark check failed or found drift"
  check_ms+=("$LAST_WALL_MS"); check_rss+=("$LAST_RSS_KB")
  echo "    $(fmt_ms "$LAST_WALL_MS")"
  echo "==> rep $r/$REPS: rclone check --size-only"
  measure rclone-size quiet rclone check "$TREE" "$COPY" --size-only || die "rclone check --size-only failed"
  size_ms+=("$LAST_WALL_MS"); size_rss+=("$LAST_RSS_KB")
  echo "    $(fmt_ms "$LAST_WALL_MS")"
  echo "==> rep $r/$REPS: rclone check (hashes)"
  measure rclone-hash quiet rclone check "$TREE" "$COPY" || die "rclone check failed"
  hash_ms+=("$LAST_WALL_MS"); hash_rss+=("$LAST_RSS_KB")
  echo "    $(fmt_ms "$LAST_WALL_MS")"
  echo "==> rep $r/$REPS: find -printf (the walk floor)"
  measure find quiet find "$TREE" -printf '%s %T@ %p\n' || die "find failed"
  find_ms+=("$LAST_WALL_MS"); find_rss+=("$LAST_RSS_KB")
  echo "    $(fmt_ms "$LAST_WALL_MS")"
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
CHECK_MS="$(median "${check_ms[@]}")"
SIZE_MS="$(median "${size_ms[@]}")"
HASH_MS="$(median "${hash_ms[@]}")"
FIND_MS="$(median "${find_ms[@]}")"
awk -v ms="$CHECK_MS" -v t="$TARGET_MS" 'BEGIN {exit !(ms <= t)}' ||
  FAILED+=("check-all took $(fmt_ms "$CHECK_MS"), above the target of $(fmt_ms "$TARGET_MS")")

# --- report ------------------------------------------------------------------------
ROWS=(
  "tidemark check --json (check-all)|$CHECK_MS|$(maximum "${check_rss[@]}")|1.00x|$(fmt_ratio "$CHECK_MS" "$SIZE_MS")|$(fmt_ratio "$CHECK_MS" "$HASH_MS")"
  "rclone check --size-only|$SIZE_MS|$(maximum "${size_rss[@]}")|$(fmt_ratio "$SIZE_MS" "$CHECK_MS")|1.00x|$(fmt_ratio "$SIZE_MS" "$HASH_MS")"
  "rclone check (hashes)|$HASH_MS|$(maximum "${hash_rss[@]}")|$(fmt_ratio "$HASH_MS" "$CHECK_MS")|$(fmt_ratio "$HASH_MS" "$SIZE_MS")|1.00x"
  "find -printf '%s %T@ %p' (reference)|$FIND_MS|$(maximum "${find_rss[@]}")|$(fmt_ratio "$FIND_MS" "$CHECK_MS")|$(fmt_ratio "$FIND_MS" "$SIZE_MS")|$(fmt_ratio "$FIND_MS" "$HASH_MS")"
)
header=("measurement" "median" "files/s" "peak RSS" "vs tidemark" "vs rclone --size-only" "vs rclone")
table_md="| ${header[0]} | ${header[1]} | ${header[2]} | ${header[3]} | ${header[4]} | ${header[5]} | ${header[6]} |
|---|---:|---:|---:|---:|---:|---:|"
table_txt="$(printf '%-36s %9s %9s %9s %12s %22s %10s' "${header[@]}")"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name ms rss vs_t vs_s vs_h <<<"$row"
  cells=("$name" "$(fmt_ms "$ms")" "$(fmt_rate "$FILES" "$ms")" "$(fmt_kb "$rss")" "$vs_t" "$vs_s" "$vs_h")
  table_md+=$'\n'"| ${cells[0]} | ${cells[1]} | ${cells[2]} | ${cells[3]} | ${cells[4]} | ${cells[5]} | ${cells[6]} |"
  table_txt+=$'\n'"$(printf '%-36s %9s %9s %9s %12s %22s %10s' "${cells[@]}")"
done

cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
mem_gib="$(awk '/^MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo 2>/dev/null || true)"
fs="$(df -PT "$BENCH_DIR" | awk 'NR==2 {print $2}')"
rev="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null || true)" ]]; then rev="$rev+dirty"; fi
rclone_version="$(rclone version 2>/dev/null | awk 'NR==1 {print $2}' || true)"
verdict="met"
awk -v ms="$CHECK_MS" -v t="$TARGET_MS" 'BEGIN {exit !(ms <= t)}' || verdict="NOT met"
context="$(date -u '+%Y-%m-%d %H:%M UTC'), tidemark $rev; $(nproc) cores ($cpu), ${mem_gib} GiB RAM, $(uname -sr), $fs
Tree: $(fmt_count "$FILES") files of 64-1,087 B in $(fmt_count "$PRODUCTS") products (products/p<N>/<variant>/<imageType>/<file>, tidemark_gen_products seed $SEED), added with --layout products and scanned into SQLite ($(fmt_ms "$SCAN_MS")); rclone compares the tree with a cp -a copy. Warm page cache; median of $REPS runs.
Load average (1/5/15 min) $LOAD_BEFORE before the runs, $LOAD_AFTER after (other processes share the cores).
Check-all runs: $(for m in "${check_ms[@]}"; do printf '%s, ' "$(fmt_ms "$m")"; done | sed 's/, $//'); target <= $(fmt_ms "$TARGET_MS") (median): $verdict. \"vs X\" is wall time relative to X (lower is faster). rclone ${rclone_version:-?}."
if ((${#GEN_NOTES[@]} > 0)); then context+=$'\n'"Generation: $(printf '%s; ' "${GEN_NOTES[@]}" | sed 's/; $//')."; fi

echo
echo "$table_txt"
echo
echo "$context"
mkdir -p "$(dirname "$RESULTS_MD")"
{
  echo "<!-- written by bench/check_bench.sh; do not edit by hand -->"
  echo "### Check benchmark"
  echo
  while IFS= read -r line; do echo "- $line"; done <<<"$context"
  echo
  echo "$table_md"
} >"$RESULTS_MD"
echo
echo "wrote $RESULTS_MD"

if ((${#FAILED[@]} > 0)); then
  echo >&2
  printf 'check_bench: FAILED: %s\n' "${FAILED[@]}" >&2
  exit 1
fi
