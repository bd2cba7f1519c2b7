#!/usr/bin/env bash
# Load on the HTTP API of `tidemark serve`, in one command:
#
#   bench/serve_bench.sh [--cars N] [--files N] [--rounds R] [--duration S]
#                        [--connections C] [--wrk-threads T]
#                        [--server-threads N] [--dir DIR] [--no-build]
#
# 1. builds the release binaries it needs (build/), unless --no-build;
# 2. generates, or reuses, under DIR (default $BENCH_DIR or
#    /tmp/tidemark-bench): a seed-000 cars tree (default 1,000 cars,
#    tidemark_gen_cars: 14 slots each, 0-3 photos per slot, a _LOCK.json in
#    every fifth slot) and a plain tree (default 100,000 files,
#    tidemark_gen_tree, 2 folder levels);
# 3. scans both into a fresh SQLite catalog (cars with --layout cars) and
#    starts the real `tidemark serve` on 127.0.0.1 (a free port) with the
#    default [serve] settings but threads (--server-threads, default one
#    per connection and at least 32); waits for the daemon's startup syncs;
# 4. warms up each URL (one request, then wrk for 2 s) and measures each
#    with `wrk -t T -c C -d S --latency` (default 2 threads, 64
#    connections, 10 s), R rounds (default 3), the URLs interleaved in each
#    round:
#      GET /healthz                                  the reference: the HTTP
#                                                    stack's floor, same server
#      GET /api/cars                                 every car, sync on read
#                                                    throttled by max age (60 s)
#      GET /api/cars?max_age=86400                   the same, no sync in the run
#      GET /api/cars, Accept-Encoding: gzip          the gzipped list (browsers)
#      GET /api/cars, Cache-Control: no-cache        the list computed per request
#                                                    (4 connections)
#      GET /cars-list.json                           a copy of the list's body,
#                                                    a static file: the floor
#                                                    for answers of its size
#      GET /cars-list.json.gz                        the same for the gzip copy
#      GET /api/v1/repositories/files/files?limit=100           first page
#      GET /api/v1/repositories/files/files?limit=100&after=P   a page from
#                                                    the middle (P: the
#                                                    50,000th path)
#    Between runs it waits until the server is idle again.
# 5. prints medians of req/s and of p99 latency, their ratios to /healthz of
#    the same rounds, the reply sizes, the server's share of the CPU, how
#    many syncs the cars reads ran and wrk's errors, and writes the same as
#    markdown to bench/results/serve_latest.md (docs/PERFORMANCE.md quotes
#    it), with the verdict on the target (>= 10,000 req/s, p99 <= 20 ms).
#
# wrk and the server share the machine's cores: req/s is what both
# together reach, not the server alone. Only 127.0.0.1 is contacted, and
# every wrk run stops by itself after S seconds. Exits 1 when a URL
# answered anything but 200, or GET /api/cars did not list every car.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

CARS=1000
FILES=100000
ROUNDS=3
DURATION=10
CONNECTIONS=64
WRK_THREADS=2
SERVER_THREADS=""
SEED=42
BENCH_DIR="${BENCH_DIR:-/tmp/tidemark-bench}"
BUILD=true

usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; }
die() {
  echo "serve_bench: $*" >&2
  exit 1
}
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; }
need_count() { [[ "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || die "$1 wants a positive integer, got '$2'"; }

while (($# > 0)); do
  case "$1" in
    --cars) need_value "$@"; CARS="$2"; shift 2 ;;
    --files) need_value "$@"; FILES="$2"; shift 2 ;;
    --rounds) need_value "$@"; ROUNDS="$2"; shift 2 ;;
    --duration) need_value "$@"; DURATION="$2"; shift 2 ;;
    --connections) need_value "$@"; CONNECTIONS="$2"; shift 2 ;;
    --wrk-threads) need_value "$@"; WRK_THREADS="$2"; shift 2 ;;
    --server-threads) need_value "$@"; SERVER_THREADS="$2"; shift 2 ;;
    --dir) need_value "$@"; BENCH_DIR="$2"; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
for opt in cars files rounds duration connections wrk-threads; do
  var="$(tr 'a-z-' 'A-Z_' <<<"$opt")"
  need_count "--$opt" "${!var}"
done
# Each keep-alive connection holds one of the server's threads for its whole
# life (cpp-httplib), so with fewer threads than connections the others wait
# for a free one (seconds, at the default keep_alive max of 10,000
# requests): the bench gives the server one thread per connection.
SERVER_THREADS="${SERVER_THREADS:-$((CONNECTIONS > 32 ? CONNECTIONS : 32))}"
need_count --server-threads "$SERVER_THREADS"
((FILES >= 2)) || die "--files must be at least 2"

TIDEMARK="$ROOT/build/tidemark"
GEN="$ROOT/build/bench/tidemark_gen_tree"
GEN_CARS="$ROOT/build/bench/tidemark_gen_cars"
RUNSTAT="$ROOT/build/bench/tidemark_runstat"
RESULTS_MD="$ROOT/bench/results/serve_latest.md"

# --- build -------------------------------------------------------------------
if $BUILD; then
  targets=(tidemark tidemark_gen_tree tidemark_gen_cars tidemark_runstat)
  echo "==> building ${targets[*]} (release)"
  build_log="$(mktemp -t tidemark-bench-build.XXXXXX)"
  # Other builds share build/ and the two cores: take turns.
  if ! flock /tmp/tidemark-build.lock ./scripts/build.sh release "${targets[@]}" >"$build_log" 2>&1; then
    tail -n 40 "$build_log" >&2
    rm -f "$build_log"
    die "the release build failed (last lines above)"
  fi
  rm -f "$build_log"
fi
for bin in "$TIDEMARK" "$GEN" "$GEN_CARS" "$RUNSTAT"; do
  [[ -x "$bin" ]] || die "$bin is missing; run scripts/build.sh release"
done
command -v wrk >/dev/null || die "wrk is missing; run scripts/install-deps.sh"
command -v curl >/dev/null || die "curl is missing (apt-get install curl)"

mkdir -p "$BENCH_DIR" || die "cannot create the bench dir $BENCH_DIR (set BENCH_DIR or --dir)"
BENCH_DIR="$(cd "$BENCH_DIR" && pwd)"
WORK="$BENCH_DIR/serve-run"
rm -rf "$WORK"
mkdir -p "$WORK"

# shellcheck source=bench/bench_lib.sh
source "$ROOT/bench/bench_lib.sh"

FAILED=()
GEN_NOTES=()
SERVER_PID=""

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# --- trees and catalog -----------------------------------------------------------
CARS_TREE="$BENCH_DIR/cars-gen-$CARS-s$SEED"
if [[ -d "$CARS_TREE" && -f "$CARS_TREE.generated" &&
  "$(cat "$CARS_TREE.generated")" == "cars=$CARS seed=$SEED" ]]; then
  echo "==> reusing $CARS_TREE ($CARS cars)"
else
  rm -rf "$CARS_TREE" "$CARS_TREE.generated"
  echo "==> generating $CARS cars in $CARS_TREE"
  measure gen-cars keep "$GEN_CARS" --root "$CARS_TREE" --cars "$CARS" --seed "$SEED" ||
    die "tidemark_gen_cars failed"
  GEN_NOTES+=("$(cat "$WORK/gen-cars.out") in $(fmt_ms "$LAST_WALL_MS")")
  echo "cars=$CARS seed=$SEED" >"$CARS_TREE.generated"
fi
PLAIN_TREE="$BENCH_DIR/tree-n$FILES-s$SEED-d2"
ensure_tree "$PLAIN_TREE" "$FILES" 4096 0 2
warm "$CARS_TREE"
warm "$PLAIN_TREE"

DB="$WORK/serve.db"
CONFIG="$WORK/tidemark.toml"
{
  echo "# written by bench/serve_bench.sh: the defaults, threads and the"
  echo "# per-address limit excepted (every wrk connection comes from 127.0.0.1)"
  echo "[serve]"
  echo "threads = $SERVER_THREADS"
  echo "connections_per_address = $((CONNECTIONS + 8))"
} >"$CONFIG"
tm() { "$TIDEMARK" --db "$DB" --config "$CONFIG" "$@"; }
echo "==> cataloging both trees (SQLite, sha256)"
tm repo add cars "$CARS_TREE" --layout cars >"$WORK/repo-add.out" 2>&1 ||
  die "repo add cars failed: $(cat "$WORK/repo-add.out")"
tm repo add files "$PLAIN_TREE" >"$WORK/repo-add.out" 2>&1 ||
  die "repo add files failed: $(cat "$WORK/repo-add.out")"
measure scan-cars quiet "$TIDEMARK" --db "$DB" --config "$CONFIG" -q scan cars ||
  die "scanning the cars tree failed (stderr in $WORK/scan-cars.err)"
measure scan-files quiet "$TIDEMARK" --db "$DB" --config "$CONFIG" -q scan files ||
  die "scanning the plain tree failed (stderr in $WORK/scan-files.err)"
# The page from the middle: its `after` is the catalog's 50th-percentile
# path (the catalog orders paths bytewise).
MID_PATH="$(cd "$PLAIN_TREE" && find . -type f -printf '%P\n' | LC_ALL=C sort | sed -n "$((FILES / 2))p")"
[[ -n "$MID_PATH" ]] || die "no files in $PLAIN_TREE"
# tidemark_gen_tree's names (d00/d07/f0000123) need no escaping in a query.
[[ "$MID_PATH" =~ ^[A-Za-z0-9_./-]+$ ]] || die "unexpected path in $PLAIN_TREE: $MID_PATH"
MID_AFTER="$MID_PATH"

# --- the server ------------------------------------------------------------------
SERVER_LOG="$WORK/serve.log"
echo "==> starting tidemark serve"
# The web root holds one file: a copy of the /api/cars body, served by the
# same HTTP stack from disk: the floor for answers of that size.
WEB_ROOT="$WORK/web"
mkdir -p "$WEB_ROOT"
"$TIDEMARK" --db "$DB" --config "$CONFIG" serve --listen 127.0.0.1:0 --web-root "$WEB_ROOT" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
PORT=""
deadline=$((SECONDS + 60))
while [[ -z "$PORT" ]]; do
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; die "tidemark serve exited"; }
  ((SECONDS < deadline)) || die "tidemark serve did not start within 60 s (log: $SERVER_LOG)"
  PORT="$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$SERVER_LOG" | grep -oE '[0-9]+$' || true)"
  sleep 0.05
done
BASE="http://127.0.0.1:$PORT"
# The daemon's startup syncs take CPU: measure after them.
for name in cars files; do
  until grep -qE "(^| )$name: startup " "$SERVER_LOG"; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; die "tidemark serve exited"; }
    ((SECONDS < deadline)) || die "no startup sync of $name within 60 s (log: $SERVER_LOG)"
    sleep 0.1
  done
done
echo "    $BASE (pid $SERVER_PID); $(grep -c ': startup ' "$SERVER_LOG") startup syncs done"

# URLs: label|path|request header ("" for none)|connections ("" for -c).
# The list without the cache computes 7.8 MB per request: with -c it would
# queue far more work than a run can finish, so it gets 4 connections.
URLS=(
  "GET /healthz (reference)|/healthz||"
  "GET /api/cars|/api/cars||"
  "GET /api/cars?max_age=86400|/api/cars?max_age=86400||"
  "GET /api/cars, Accept-Encoding: gzip|/api/cars|Accept-Encoding: gzip|"
  "GET /api/cars, no-cache, 4 connections|/api/cars|Cache-Control: no-cache|4"
  "GET a static file of the list's size|/cars-list.json||"
  "GET a static file of the gzip copy's size|/cars-list.json.gz||"
  "GET files?limit=100|/api/v1/repositories/files/files?limit=100||"
  "GET files?limit=100&after=(middle)|/api/v1/repositories/files/files?limit=100&after=$MID_AFTER||"
)
# header_args HEADER: the -H arguments for curl and wrk.
header_args() { [[ -z "$1" ]] || printf '%s\0%s\0' -H "$1"; }

curl -s -o "$WEB_ROOT/cars-list.json" "$BASE/api/cars" || die "GET /api/cars failed"
curl -s -H 'Accept-Encoding: gzip' -o "$WEB_ROOT/cars-list.json.gz" "$BASE/api/cars" ||
  die "GET /api/cars with gzip failed"
declare -A SIZE=()
for entry in "${URLS[@]}"; do
  IFS='|' read -r label path header _ <<<"$entry"
  mapfile -d '' -t hargs < <(header_args "$header")
  code_size="$(curl -s "${hargs[@]}" -o "$WORK/first.body" -w '%{http_code} %{size_download}' "$BASE$path")"
  [[ "${code_size% *}" == 200 ]] ||
    die "$label answered ${code_size% *}: $(head -c 300 "$WORK/first.body")"
  SIZE[$label]="${code_size#* }"
done
cars_in_reply="$(curl -s "$BASE/api/cars" | grep -o '"vin":' | wc -l)"
((cars_in_reply == CARS)) || FAILED+=("GET /api/cars listed $cars_in_reply cars, expected $CARS")

# cars_syncs: the syncs the cars routes ran so far (all regions).
cars_syncs() { curl -s "$BASE/api/cars/sync/status" | json_num syncs; }

CLK_TCK="$(getconf CLK_TCK)"
# CPU ticks (utime + stime) of a process; the name in field 2 may hold spaces.
proc_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

# settle: waits (up to 120 s) until the server uses under 5% of a core,
# so that requests a run left queued do not load the next one.
settle() {
  local t0 t1 deadline=$((SECONDS + 120))
  t0="$(proc_ticks "$SERVER_PID")"
  while ((SECONDS < deadline)); do
    sleep 0.5
    t1="$(proc_ticks "$SERVER_PID")"
    (((t1 - t0) * 20 <= CLK_TCK / 2)) && return 0
    t0="$t1"
  done
  echo "    the server did not settle within 120 s" >&2
}

# wrk_run LABEL PATH SECONDS CONNECTIONS [WRK ARGS]: sets RPS, P99_MS,
# NON2XX, ERRORS (connect, read, write), TIMEOUTS and SERVER_CORES (the
# server's CPU time over the run's wall time).
wrk_run() {
  local label="$1" path="$2" secs="$3" conns="$4" out="$WORK/wrk.out" t0 t1 ns0 ns1
  shift 4
  t0="$(proc_ticks "$SERVER_PID")"
  ns0="$(date +%s%N)"
  # --timeout: a slow answer is counted in p99, not dropped as an error.
  wrk -t "$WRK_THREADS" -c "$conns" -d "${secs}s" --timeout "${secs}s" --latency "$@" "$BASE$path" >"$out" 2>&1 ||
    die "wrk failed on $label: $(cat "$out")"
  ns1="$(date +%s%N)"
  t1="$(proc_ticks "$SERVER_PID")"
  SERVER_CORES="$(awk -v t="$((t1 - t0))" -v hz="$CLK_TCK" -v ns="$((ns1 - ns0))" 'BEGIN {printf "%.2f", t / hz / (ns / 1e9)}')"
  RPS="$(awk '/^Requests\/sec:/ {print $2}' "$out")"
  # The --latency table: "99%   12.34ms" (us, ms or s).
  P99_MS="$(awk '$1 == "99%" {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000; printf "%.3f", v}' "$out")"
  NON2XX="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")"
  ERRORS="$(awk '/Socket errors:/ {gsub(/,/, ""); print $4 + $6 + $8}' "$out")"
  TIMEOUTS="$(awk '/Socket errors:/ {gsub(/,/, ""); print $10}' "$out")"
  ERRORS="${ERRORS:-0}" TIMEOUTS="${TIMEOUTS:-0}"
  [[ -n "$RPS" && -n "$P99_MS" ]] || die "cannot read wrk's report for $label: $(cat "$out")"
  cat "$out" >>"$WORK/wrk-all.out"
}

echo "==> warming up (2 s each)"
for entry in "${URLS[@]}"; do
  IFS='|' read -r label path header conns <<<"$entry"
  mapfile -d '' -t hargs < <(header_args "$header")
  wrk_run "$label" "$path" 2 "${conns:-$CONNECTIONS}" "${hargs[@]}"
  settle
done

declare -A RPS_OF=() P99_OF=() SYNCS_OF=() CORES_OF=() ERRS_OF=()
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= ROUNDS; r++)); do
  for entry in "${URLS[@]}"; do
    IFS='|' read -r label path header conns <<<"$entry"
    mapfile -d '' -t hargs < <(header_args "$header")
    before="$(cars_syncs)"
    wrk_run "$label" "$path" "$DURATION" "${conns:-$CONNECTIONS}" "${hargs[@]}"
    after="$(cars_syncs)"
    RPS_OF[$label]+="$RPS "
    P99_OF[$label]+="$P99_MS "
    CORES_OF[$label]+="$SERVER_CORES "
    ERRS_OF[$label]+="$((ERRORS + TIMEOUTS)) "
    SYNCS_OF[$label]+="$((${after:-0} - ${before:-0})) "
    printf '==> round %d/%d: %-44s %9.0f req/s  p99 %8.2f ms  server %s cores  errors %s, timeouts %s\n' \
      "$r" "$ROUNDS" "$label" "$RPS" "$P99_MS" "$SERVER_CORES" "$ERRORS" "$TIMEOUTS"
    [[ -z "$NON2XX" ]] || FAILED+=("$label: $NON2XX answers were not 2xx (round $r)")
    settle
  done
done
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- report ----------------------------------------------------------------------
REF_LABEL="GET /healthz (reference)"
# shellcheck disable=SC2086
REF_RPS="$(median ${RPS_OF[$REF_LABEL]})"
# shellcheck disable=SC2086
REF_P99="$(median ${P99_OF[$REF_LABEL]})"
fmt_p99() { awk -v ms="$1" 'BEGIN {printf "%.2f ms", ms}'; }
fmt_size() { awk -v b="$1" 'BEGIN {if (b >= 1048576) printf "%.2f MiB", b/1048576; else if (b >= 1024) printf "%.1f KiB", b/1024; else printf "%d B", b}'; }
table_md="| URL | reply | req/s (median) | p99 (median) | req/s vs /healthz | p99 vs /healthz | server cores | syncs per run | errors + timeouts per run | req/s of each round |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
table_txt="$(printf '%-44s %10s %8s %10s %8s %8s %6s %6s %8s  %s' URL reply req/s p99 'rps/ref' 'p99/ref' 'cores' syncs 'err+to' rounds)"
VERDICTS=()
for entry in "${URLS[@]}"; do
  IFS='|' read -r label _ _ conns <<<"$entry"
  # shellcheck disable=SC2086
  rps="$(median ${RPS_OF[$label]})"
  # shellcheck disable=SC2086
  p99="$(median ${P99_OF[$label]})"
  # shellcheck disable=SC2086
  cores="$(median ${CORES_OF[$label]})"
  rounds="$(for v in ${RPS_OF[$label]}; do printf '%.0f ' "$v"; done | sed 's/ $//')"
  syncs="$(sed 's/ $//; s/ /, /g' <<<"${SYNCS_OF[$label]}")"
  errs="$(sed 's/ $//; s/ /, /g' <<<"${ERRS_OF[$label]}")"
  cells=("$label" "$(fmt_size "${SIZE[$label]}")" "$(printf '%.0f' "$rps")" "$(fmt_p99 "$p99")"
    "$(fmt_ratio "$rps" "$REF_RPS")" "$(fmt_ratio "$p99" "$REF_P99")" "$cores" "$syncs" "$errs" "$rounds")
  table_md+=$'\n'"| \`${cells[0]}\` | ${cells[1]} | ${cells[2]} | ${cells[3]} | ${cells[4]} | ${cells[5]} | ${cells[6]} | ${cells[7]} | ${cells[8]} | ${cells[9]} |"
  table_txt+=$'\n'"$(printf '%-44s %10s %8s %10s %8s %8s %6s %6s %8s  %s' "${cells[@]}")"
  if [[ "$label" != "$REF_LABEL" && "$label" != "GET a static file"* ]]; then
    verdict="$(awk -v r="$rps" -v p="$p99" 'BEGIN {print (r >= 10000 && p <= 20) ? "met" : "missed"}')"
    VERDICTS+=("$label: $verdict ($(printf '%.0f' "$rps") req/s, p99 $(fmt_p99 "$p99"))")
  fi
done

cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
rev="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null || true)" ]]; then rev="$rev+dirty"; fi
wrk_version="$(wrk -v 2>&1 | awk 'NR == 1 {print $2}' || true)"
context="$(date -u '+%Y-%m-%d %H:%M UTC'), tidemark $rev; $(nproc) cores ($cpu), $(uname -sr); wrk ${wrk_version:-?}
wrk -t $WRK_THREADS -c $CONNECTIONS -d ${DURATION}s --latency (-c as the label says where it differs), on the same $(nproc) cores as the server (they compete for them); $ROUNDS rounds, URLs interleaved in each; medians.
Server: tidemark serve with the default [serve] settings (sync_max_age 60 s), threads = $SERVER_THREADS (one per connection; the default is 32), SQLite catalog, 127.0.0.1.
Catalog: $(fmt_count "$CARS") cars ($CARS_TREE) and a repository of $(fmt_count "$FILES") files (tidemark_gen_tree seed $SEED, 2 levels); 'after' of the middle page: $MID_PATH.
\"server cores\": the server's CPU time over each run's wall time (/proc); wrk had the rest. \"errors + timeouts\": wrk's socket errors (wrk --timeout is the run's length, so every answer that came is in p99). \"syncs per run\": cars syncs the reads started during each round's run (GET /api/cars/sync/status).
Load average (1, 5, 15 min) before the rounds: $LOAD_START; after: $LOAD_END."
if ((${#GEN_NOTES[@]} > 0)); then context+=$'\n'"Generation: $(printf '%s; ' "${GEN_NOTES[@]}" | sed 's/; $//')."; fi

echo
echo "$table_txt"
echo
echo "$context"
echo
echo "Target (>= 10,000 req/s with p99 <= 20 ms, medians):"
printf '  %s\n' "${VERDICTS[@]}"

mkdir -p "$(dirname "$RESULTS_MD")"
{
  echo "<!-- written by bench/serve_bench.sh; do not edit by hand -->"
  echo "### Serve benchmark"
  echo
  while IFS= read -r line; do echo "- $line"; done <<<"$context"
  echo
  echo "$table_md"
  echo
  echo "Target (>= 10,000 req/s with p99 <= 20 ms, medians):"
  printf -- '- %s\n' "${VERDICTS[@]}"
} >"$RESULTS_MD"
echo
echo "wrote $RESULTS_MD"

if ((${#FAILED[@]} > 0)); then
  echo >&2
  printf 'serve_bench: FAILED: %s\n' "${FAILED[@]}" >&2
  exit 1
fi
