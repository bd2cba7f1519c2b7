#!/usr/bin/env bash
# The PostgreSQL catalog benchmark, in one command:
#
#   bench/pg_bench.sh [--files N] [--reps R] [--seed S] [--dir DIR] [--no-build]
#
# 1. builds the release binaries it needs (build/), unless --no-build;
# 2. starts a throwaway PostgreSQL cluster on 127.0.0.1 with durable settings
#    (scripts/pg-test-cluster.sh with PG_TEST_CLUSTER_DURABLE=1: fsync and
#    synchronous_commit on, as in production) and stops it at the end;
# 3. reuses or generates the same tree as scan_bench.sh (default 1,000,000
#    files) and warms the page cache;
# 4. measures R times each (default 3), each run in a fresh schema:
#      tidemark cold scan, --hash none, into PostgreSQL    files/s
#      psql \copy of the same rows into a table shaped and
#        indexed like file_records                         the floor
#      tidemark rescan with nothing changed                file_records rows
#                                                          written (must be 0)
# 5. prints medians and ratios and writes them to bench/results/pg_latest.md.
# Rows written are read from pg_stat_user_tables (inserts + updates +
# deletes on file_records), not from tidemark's own report.
# Exits 1 if a command fails or the no-change rescan writes a row.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

FILES=1000000
REPS=3
SEED=42
BENCH_DIR="${BENCH_DIR:-/tmp/tidemark-bench}"
BUILD=true

usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; }
die() {
  echo "pg_bench: $*" >&2
  exit 1
}
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; }
while (($# > 0)); do
  case "$1" in
    --files) need_value "$@"; FILES="$2"; shift 2 ;;
    --reps) need_value "$@"; REPS="$2"; shift 2 ;;
    --seed) need_value "$@"; SEED="$2"; shift 2 ;;
    --dir) need_value "$@"; BENCH_DIR="$2"; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ "$FILES" =~ ^[1-9][0-9]*$ ]] || die "--files wants a positive integer, got '$FILES'"
[[ "$REPS" =~ ^[1-9][0-9]*$ ]] || die "--reps wants a positive integer, got '$REPS'"

TIDEMARK="$ROOT/build/tidemark"
GEN="$ROOT/build/bench/tidemark_gen_tree"
RUNSTAT="$ROOT/build/bench/tidemark_runstat"
RESULTS_MD="$ROOT/bench/results/pg_latest.md"

if $BUILD; then
  echo "==> building tidemark tidemark_gen_tree tidemark_runstat (release)"
  ./scripts/build.sh release tidemark tidemark_gen_tree tidemark_runstat >/dev/null ||
    die "the release build failed; run scripts/build.sh release"
fi
for bin in "$TIDEMARK" "$GEN" "$RUNSTAT"; do
  [[ -x "$bin" ]] || die "$bin is missing; run scripts/build.sh release"
done
command -v psql >/dev/null || die "psql is missing; run scripts/install-deps.sh"

mkdir -p "$BENCH_DIR"
BENCH_DIR="$(cd "$BENCH_DIR" && pwd)"
WORK="$BENCH_DIR/pg-run"
rm -rf "$WORK"
mkdir -p "$WORK"
chmod 755 "$WORK"
GEN_NOTES=()
# shellcheck source=bench/bench_lib.sh
source "$ROOT/bench/bench_lib.sh"

echo "==> starting a durable throwaway PostgreSQL cluster"
eval "$(PG_TEST_CLUSTER_DURABLE=1 ./scripts/pg-test-cluster.sh start)"
trap './scripts/pg-test-cluster.sh stop "$TIDEMARK_TEST_PG_DIR" >/dev/null 2>&1 || true' EXIT
URL="$TIDEMARK_TEST_PG_URL"
sql() { psql "$URL" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }
schema_url() { echo "$URL?options=-csearch_path%3D$1"; }
# Inserts + updates + deletes on file_records in schema $1, as the server
# counted them. Stats reach the shared view when a backend goes idle or ends.
rows_written() {
  sql "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)
       FROM pg_stat_user_tables WHERE schemaname = '$1' AND relname = 'file_records'"
}

TREE="$BENCH_DIR/tree-n$FILES-s$SEED"
ensure_tree "$TREE" "$FILES" 4096
echo "==> warming the page cache"
warm "$TREE"

declare -a cold_ms=() copy_ms=() rescan_ms=() rescan_rows=()
FAILED=()
for ((r = 1; r <= REPS; r++)); do
  schema="bench_r$r"
  sql "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
  db="$(schema_url "$schema")"
  "$TIDEMARK" --db "$db" repo add tree "$TREE" >/dev/null
  echo "==> rep $r/$REPS: tidemark cold scan into PostgreSQL"
  measure "pg-cold-$r" keep "$TIDEMARK" --db "$db" scan tree --hash none --json ||
    FAILED+=("cold scan rep $r")
  cold_ms+=("$LAST_WALL_MS")
  echo "    $(fmt_ms "$LAST_WALL_MS") ($(fmt_rate "$FILES" "$LAST_WALL_MS") files/s)"

  echo "==> rep $r/$REPS: tidemark rescan, nothing changed"
  sleep 1  # let the server publish the cold scan's table stats
  before="$(rows_written "$schema")"
  measure "pg-rescan-$r" keep "$TIDEMARK" --db "$db" scan tree --hash none --json ||
    FAILED+=("rescan rep $r")
  rescan_ms+=("$LAST_WALL_MS")
  sleep 1
  after="$(rows_written "$schema")"
  rescan_rows+=("$((after - before))")
  echo "    $(fmt_ms "$LAST_WALL_MS"), $((after - before)) file_records rows written"

  echo "==> rep $r/$REPS: psql \\copy of the same rows (the floor)"
  rows="$WORK/rows.copy"
  sql "\\copy (SELECT * FROM $schema.file_records) TO '$rows' WITH (FORMAT binary)"
  sql "DROP TABLE IF EXISTS $schema.copy_floor;
       CREATE TABLE $schema.copy_floor (LIKE $schema.file_records INCLUDING ALL)"
  measure "pg-copy-$r" keep psql "$URL" -XqAt -v ON_ERROR_STOP=1 \
    -c "\\copy $schema.copy_floor FROM '$rows' WITH (FORMAT binary)" ||
    FAILED+=("psql copy rep $r")
  copy_ms+=("$LAST_WALL_MS")
  echo "    $(fmt_ms "$LAST_WALL_MS") ($(fmt_rate "$FILES" "$LAST_WALL_MS") rows/s)"
  sql "DROP SCHEMA $schema CASCADE"
done

COLD="$(median "${cold_ms[@]}")"
COPY="$(median "${copy_ms[@]}")"
RESCAN="$(median "${rescan_ms[@]}")"
MAX_ROWS="$(maximum "${rescan_rows[@]}")"
server="$(psql "$URL" -XqAt -c 'SHOW server_version')"
{
  echo "# PostgreSQL catalog benchmark"
  echo
  echo "$(date -u +%Y-%m-%d) · $(fmt_count "$FILES") files · median of $REPS · PostgreSQL $server on 127.0.0.1 (fsync on) · $(nproc) cores"
  echo
  echo "| run | median | files/s | vs psql \\copy | file_records rows written |"
  echo "|---|---|---|---|---|"
  echo "| psql \\copy, same rows, same indexes (floor) | $(fmt_ms "$COPY") | $(fmt_rate "$FILES" "$COPY") | 1.00x | $(fmt_count "$FILES") |"
  echo "| tidemark cold scan (--hash none) | $(fmt_ms "$COLD") | $(fmt_rate "$FILES" "$COLD") | $(fmt_ratio "$COLD" "$COPY") | $(fmt_count "$FILES") |"
  echo "| tidemark rescan, nothing changed | $(fmt_ms "$RESCAN") | $(fmt_rate "$FILES" "$RESCAN") | $(fmt_ratio "$RESCAN" "$COPY") | $MAX_ROWS (max of $REPS) |"
  echo
  echo "Each timing: ${cold_ms[*]} (cold) · ${copy_ms[*]} (copy) · ${rescan_ms[*]} (rescan), ms."
  echo "Ratios are time / psql \\copy time (lower is better)."
} >"$RESULTS_MD"
echo
cat "$RESULTS_MD"
((${#FAILED[@]} == 0)) || die "failed: ${FAILED[*]}"
((MAX_ROWS == 0)) || die "the no-change rescan wrote $MAX_ROWS file_records rows"
