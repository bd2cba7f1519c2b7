#!/usr/bin/env bash
# The end-to-end scan benchmark, in one command:
#
#   bench/scan_bench.sh [--files N] [--hash-files N] [--reps R] [--seed S]
#                       [--dir DIR] [--references-only] [--no-build]
#
# 1. builds the release binaries it needs (build/), unless --no-build;
# 2. generates a tree of N files (default 1,000,000; 0..4 KiB, 3 levels of
#    folders) with tidemark_gen_tree, or reuses the one already generated for
#    this N and seed, under DIR (default $BENCH_DIR or /tmp/tidemark-bench);
# 3. warms the page cache, so every run below measures metadata work, not disk;
# 4. measures R times each (default 3) and reports medians:
#      find DIR -printf '%s %T@ %p\n'                  the floor: one stat per file
#      rclone lsjson -R --files-only DIR               a well-known lister
#      tidemark cold scan, --hash none, fresh SQLite   files/s and peak RSS
#      tidemark rescan with nothing changed            must write 0 rows
#      tidemark rescan after touching 1% of the files  files/s, rows written
#      tidemark cold scan, --hash sha256, on a second tree of --hash-files
#        small files (default 200,000; 0..4 KiB)       hashed files/s
# 5. prints a table and writes the same as markdown to bench/results/latest.md
#    (docs/PERFORMANCE.md quotes it).
#
# Every run is timed by tidemark_runstat (wall clock, peak RSS, exit code).
# The 1% touch rewrites files of the kept tree in place (same names and sizes,
# mtimes moved forward), so a reused tree scans exactly like a fresh one.
# --references-only measures just find and rclone (no tidemark binary needed).
# Exits 1 if a measured command fails or the no-change rescan writes rows.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

FILES=1000000
HASH_FILES=200000
REPS=3
SEED=42
BENCH_DIR="${BENCH_DIR:-/tmp/tidemark-bench}"
REFERENCES_ONLY=false
BUILD=true

usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; }
die() {
  echo "scan_bench: $*" >&2
  exit 1
}
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; }
need_count() { [[ "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || die "$1 wants a positive integer, got '$2'"; }

while (($# > 0)); do
  case "$1" in
    --files) need_value "$@"; FILES="$2"; shift 2 ;;
    --hash-files) need_value "$@"; HASH_FILES="$2"; shift 2 ;;
    --reps) need_value "$@"; REPS="$2"; shift 2 ;;
    --seed) need_value "$@"; SEED="$2"; shift 2 ;;
    --dir) need_value "$@"; BENCH_DIR="$2"; shift 2 ;;
    --references-only) REFERENCES_ONLY=true; shift ;;
    --no-build) BUILD=false; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
need_count --files "$FILES"
need_count --hash-files "$HASH_FILES"
need_count --reps "$REPS"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "--seed wants a non-negative integer, got '$SEED'"

TIDEMARK="$ROOT/build/tidemark"
GEN="$ROOT/build/bench/tidemark_gen_tree"
RUNSTAT="$ROOT/build/bench/tidemark_runstat"
RESULTS_MD="$ROOT/bench/results/latest.md"

# --- build -------------------------------------------------------------------
targets=(tidemark_gen_tree tidemark_runstat)
$REFERENCES_ONLY || targets+=(tidemark)
if $BUILD; then
  echo "==> building ${targets[*]} (release)"
  build_log="$(mktemp -t tidemark-bench-build.XXXXXX)"
  if ! ./scripts/build.sh release "${targets[@]}" >"$build_log" 2>&1; then
    tail -n 40 "$build_log" >&2
    rm -f "$build_log"
    die "the release build failed (last lines above; run scripts/build.sh release for all of it).
  To measure only find and rclone: bench/scan_bench.sh --references-only"
  fi
  rm -f "$build_log"
fi
for bin in "$GEN" "$RUNSTAT"; do
  [[ -x "$bin" ]] || die "$bin is missing; run scripts/build.sh release"
done
$REFERENCES_ONLY || [[ -x "$TIDEMARK" ]] || die "$TIDEMARK is missing; run scripts/build.sh release"
command -v find >/dev/null || die "find is missing (apt-get install findutils)"
command -v rclone >/dev/null || die "rclone is missing; run scripts/install-deps.sh"

mkdir -p "$BENCH_DIR" || die "cannot create the bench dir $BENCH_DIR (set BENCH_DIR or --dir)"
BENCH_DIR="$(cd "$BENCH_DIR" && pwd)"
WORK="$BENCH_DIR/run"
rm -rf "$WORK"
mkdir -p "$WORK"
# rclone must not look for or write a config in $HOME.
export RCLONE_CONFIG=/dev/null
export RCLONE_CACHE_DIR="$WORK/rclone-cache"

# shellcheck source=bench/bench_lib.sh
source "$ROOT/bench/bench_lib.sh"

FAILED=()
GEN_NOTES=()
# Rows of the table: name|files|median_ms|peak_rss_kb|vs_find|vs_rclone|rows
ROWS=()

TREE="$BENCH_DIR/tree-n$FILES-s$SEED"
ensure_tree "$TREE" "$FILES" 4096
echo "==> warming the page cache"
warm "$TREE"

# --- references ----------------------------------------------------------------
declare -a find_ms=() find_rss=() rclone_ms=() rclone_rss=()
for ((r = 1; r <= REPS; r++)); do
  echo "==> rep $r/$REPS: find"
  measure find quiet find "$TREE" -printf '%s %T@ %p\n' || die "find failed"
  find_ms+=("$LAST_WALL_MS"); find_rss+=("$LAST_RSS_KB")
  echo "    $(fmt_ms "$LAST_WALL_MS")"
  echo "==> rep $r/$REPS: rclone lsjson"
  measure rclone quiet rclone lsjson -R --files-only "$TREE" || die "rclone lsjson failed"
  rclone_ms+=("$LAST_WALL_MS"); rclone_rss+=("$LAST_RSS_KB")
  echo "    $(fmt_ms "$LAST_WALL_MS")"
done
FIND_MS="$(median "${find_ms[@]}")"
RCLONE_MS="$(median "${rclone_ms[@]}")"
ROWS+=("find -printf '%s %T@ %p'|$FILES|$FIND_MS|$(maximum "${find_rss[@]}")|1.00x|$(fmt_ratio "$FIND_MS" "$RCLONE_MS")|")
ROWS+=("rclone lsjson -R --files-only|$FILES|$RCLONE_MS|$(maximum "${rclone_rss[@]}")|$(fmt_ratio "$RCLONE_MS" "$FIND_MS")|1.00x|")

# --- tidemark ------------------------------------------------------------------

# scan_run LABEL DB REPO HASH EXPECT_FILES: a timed `tidemark scan --json`;
# sets SCAN_ROWS from the JSON and checks the status and the scanned count.
scan_run() {
  local label="$1" db="$2" repo="$3" hash="$4" expect="$5"
  measure "$label" keep "$TIDEMARK" --db "$db" scan "$repo" --hash "$hash" --json ||
    die "$label: tidemark scan failed (stderr in $WORK/$label.err)"
  local out="$WORK/$label.out" status scanned
  status="$(json_str status "$out")"
  scanned="$(json_num scanned "$out")"
  SCAN_ROWS="$(json_num rows_written "$out")"
  [[ -n "$SCAN_ROWS" ]] || die "$label: no rows_written in the scan JSON: $(head -c 400 "$out")"
  [[ "$status" == completed ]] || FAILED+=("$label: status '$status', expected completed")
  [[ "$scanned" == "$expect" ]] || FAILED+=("$label: scanned '$scanned' files, expected $expect")
}

# fresh_repo DB REPO DIR HASH: a new SQLite catalog holding one repository.
fresh_repo() {
  rm -f "$1" "$1-wal" "$1-shm" "$1-journal"
  "$TIDEMARK" --db "$1" repo add "$2" "$3" --hash "$4" >"$WORK/repo-add.out" 2>&1 ||
    die "tidemark repo add $2 failed: $(cat "$WORK/repo-add.out")"
}

if ! $REFERENCES_ONLY; then
  DB="$WORK/scan.db"
  touch_count=$(((FILES + 50) / 100))
  declare -a cold_ms=() cold_rss=() cold_rows=() re_ms=() re_rss=() re_rows=() t_ms=() t_rss=() t_rows=()
  for ((r = 1; r <= REPS; r++)); do
    fresh_repo "$DB" bench "$TREE" none
    echo "==> rep $r/$REPS: tidemark cold scan (--hash none)"
    scan_run cold "$DB" bench none "$FILES"
    cold_ms+=("$LAST_WALL_MS"); cold_rss+=("$LAST_RSS_KB"); cold_rows+=("$SCAN_ROWS")
    echo "    $(fmt_ms "$LAST_WALL_MS"), $(fmt_rate "$FILES" "$LAST_WALL_MS") files/s, rows_written=$SCAN_ROWS"

    echo "==> rep $r/$REPS: tidemark rescan, nothing changed"
    scan_run rescan "$DB" bench none "$FILES"
    re_ms+=("$LAST_WALL_MS"); re_rss+=("$LAST_RSS_KB"); re_rows+=("$SCAN_ROWS")
    echo "    $(fmt_ms "$LAST_WALL_MS"), rows_written=$SCAN_ROWS"
    ((SCAN_ROWS == 0)) || FAILED+=("rescan with no changes wrote $SCAN_ROWS rows (rep $r); expected 0")

    echo "==> rep $r/$REPS: touching 1% and rescanning"
    "$GEN" --root "$TREE" --touch-percent 1 --seed "$((SEED * 1000 + r))" --quiet ||
      die "tidemark_gen_tree --touch-percent failed"
    scan_run touched "$DB" bench none "$FILES"
    t_ms+=("$LAST_WALL_MS"); t_rss+=("$LAST_RSS_KB"); t_rows+=("$SCAN_ROWS")
    echo "    $(fmt_ms "$LAST_WALL_MS"), rows_written=$SCAN_ROWS (touched $touch_count)"
  done
  COLD_MS="$(median "${cold_ms[@]}")"
  RE_MS="$(median "${re_ms[@]}")"
  T_MS="$(median "${t_ms[@]}")"
  ROWS+=("tidemark cold scan, --hash none|$FILES|$COLD_MS|$(maximum "${cold_rss[@]}")|$(fmt_ratio "$COLD_MS" "$FIND_MS")|$(fmt_ratio "$COLD_MS" "$RCLONE_MS")|$(median "${cold_rows[@]}")")
  ROWS+=("tidemark rescan, no changes|$FILES|$RE_MS|$(maximum "${re_rss[@]}")|$(fmt_ratio "$RE_MS" "$FIND_MS")|$(fmt_ratio "$RE_MS" "$RCLONE_MS")|$(maximum "${re_rows[@]}")")
  ROWS+=("tidemark rescan, 1% touched|$FILES|$T_MS|$(maximum "${t_rss[@]}")|$(fmt_ratio "$T_MS" "$FIND_MS")|$(fmt_ratio "$T_MS" "$RCLONE_MS")|$(median "${t_rows[@]}")")

  HASH_TREE="$BENCH_DIR/hash-n$HASH_FILES-s$SEED"
  ensure_tree "$HASH_TREE" "$HASH_FILES" 4096
  warm "$HASH_TREE"
  HASH_BYTES="$(find "$HASH_TREE" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')"
  HASH_DB="$WORK/hash.db"
  declare -a h_ms=() h_rss=() h_rows=()
  for ((r = 1; r <= REPS; r++)); do
    fresh_repo "$HASH_DB" bench-hash "$HASH_TREE" sha256
    echo "==> rep $r/$REPS: tidemark cold scan (--hash sha256), $HASH_FILES small files"
    scan_run hashed "$HASH_DB" bench-hash sha256 "$HASH_FILES"
    h_ms+=("$LAST_WALL_MS"); h_rss+=("$LAST_RSS_KB"); h_rows+=("$SCAN_ROWS")
    echo "    $(fmt_ms "$LAST_WALL_MS"), $(fmt_rate "$HASH_FILES" "$LAST_WALL_MS") files/s"
  done
  H_MS="$(median "${h_ms[@]}")"
  ROWS+=("tidemark cold scan, --hash sha256 ($(awk -v b="$HASH_BYTES" -v ms="$H_MS" 'BEGIN {printf "%.0f MiB/s", b/1048576/(ms/1000)}'))|$HASH_FILES|$H_MS|$(maximum "${h_rss[@]}")|-|-|$(median "${h_rows[@]}")")
fi

# --- report --------------------------------------------------------------------
cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
mem_gib="$(awk '/^MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo 2>/dev/null || true)"
fs="$(df -PT "$BENCH_DIR" | awk 'NR==2 {print $2}')"
rev="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null || true)" ]]; then rev="$rev+dirty"; fi
sqlite_version="$(sqlite3 --version 2>/dev/null | awk '{print $1}' || true)"
rclone_version="$(rclone version 2>/dev/null | awk 'NR==1 {print $2}' || true)"

header=("measurement" "files" "median" "files/s" "peak RSS" "vs find" "vs rclone" "rows written")
table_md="| ${header[0]} | ${header[1]} | ${header[2]} | ${header[3]} | ${header[4]} | ${header[5]} | ${header[6]} | ${header[7]} |
|---|---:|---:|---:|---:|---:|---:|---:|"
table_txt="$(printf '%-48s %10s %9s %9s %9s %8s %9s %12s' "${header[@]}")"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name files ms rss vs_find vs_rclone rows <<<"$row"
  cells=("$name" "$(fmt_count "$files")" "$(fmt_ms "$ms")" "$(fmt_rate "$files" "$ms")" "$(fmt_kb "$rss")"
    "$vs_find" "$vs_rclone" "$([[ -n "$rows" ]] && fmt_count "$rows" || echo -)")
  table_md+=$'\n'"| ${cells[0]} | ${cells[1]} | ${cells[2]} | ${cells[3]} | ${cells[4]} | ${cells[5]} | ${cells[6]} | ${cells[7]} |"
  table_txt+=$'\n'"$(printf '%-48s %10s %9s %9s %9s %8s %9s %12s' "${cells[@]}")"
done

context="$(date -u '+%Y-%m-%d %H:%M UTC'), tidemark $rev; $(nproc) cores ($cpu), ${mem_gib} GiB RAM, $(uname -sr), $fs
Tree: $(fmt_count "$FILES") files of 0-4 KiB in 3 folder levels (tidemark_gen_tree seed $SEED); warm page cache; median of $REPS runs.
\"vs find\" is wall time relative to find (lower is faster). SQLite ${sqlite_version:-?}, rclone ${rclone_version:-?}."
if ! $REFERENCES_ONLY; then
  context+=$'\n'"The sha256 row scans its own tree of $(fmt_count "$HASH_FILES") files of 0-4 KiB ($(awk -v b="$HASH_BYTES" 'BEGIN {printf "%.0f", b/1048576}') MiB) into a fresh catalog."
fi
if $REFERENCES_ONLY; then context+=$'\n'"References only: tidemark was not run (--references-only)."; fi
if ((${#GEN_NOTES[@]} > 0)); then context+=$'\n'"Generation: $(printf '%s; ' "${GEN_NOTES[@]}" | sed 's/; $//')."; fi

echo
echo "$table_txt"
echo
echo "$context"

mkdir -p "$(dirname "$RESULTS_MD")"
{
  echo "<!-- written by bench/scan_bench.sh; do not edit by hand -->"
  echo "### Scan benchmark"
  echo
  while IFS= read -r line; do echo "- $line"; done <<<"$context"
  echo
  echo "$table_md"
} >"$RESULTS_MD"
echo
echo "wrote $RESULTS_MD"

if ((${#FAILED[@]} > 0)); then
  echo >&2
  printf 'scan_bench: FAILED: %s\n' "${FAILED[@]}" >&2
  exit 1
fi
