#!/usr/bin/env bash
# Two tidemark binaries side by side, in one command: did a change make the
# scan or the HTTP API slower?
#
#   bench/ab_bench.sh --a BIN --b BIN [--files N] [--reps R] [--duration S]
#                     [--dir DIR]
#
# 1. generates, or reuses, a tree of N files (default 200,000; 0..4 KiB, 3
#    folder levels) under DIR (default $BENCH_DIR or /tmp/tidemark-bench);
# 2. R rounds (default 5); in each, A and B take turns (A first in odd
#    rounds, B first in even ones, so a drift in the machine's load falls on
#    both): `find -printf` as the reference, a cold scan (--hash none, a
#    fresh SQLite catalog each), then a rescan with nothing changed;
# 3. R rounds of the HTTP API: each binary serves its catalog in turn
#    (`tidemark serve`, after its startup sync), and `wrk -t 2 -c 16 -d S`
#    (default 5 s) measures GET /healthz and GET files?limit=100;
# 4. prints medians and the ratio B/A (for times and the server's CPU time
#    per request: above 1.00x, B is slower; for req/s: below 1.00x, B is
#    slower). On a shared machine the CPU time per request is the steadier
#    of the two.
#
# The machine is shared and noisy: read the ratios, and run it again before
# believing a difference under about 5%. Exits 1 if a run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

A_BIN=""
B_BIN=""
FILES=200000
REPS=5
DURATION=5
SEED=42
BENCH_DIR="${BENCH_DIR:-/tmp/tidemark-bench}"

usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; }
die() {
  echo "ab_bench: $*" >&2
  exit 1
}
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; }
need_count() { [[ "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || die "$1 wants a positive integer, got '$2'"; }

while (($# > 0)); do
  case "$1" in
    --a) need_value "$@"; A_BIN="$2"; shift 2 ;;
    --b) need_value "$@"; B_BIN="$2"; shift 2 ;;
    --files) need_value "$@"; FILES="$2"; shift 2 ;;
    --reps) need_value "$@"; REPS="$2"; shift 2 ;;
    --duration) need_value "$@"; DURATION="$2"; shift 2 ;;
    --dir) need_value "$@"; BENCH_DIR="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ -n "$A_BIN" && -n "$B_BIN" ]] || die "give both binaries: --a BIN --b BIN"
for bin in "$A_BIN" "$B_BIN"; do
  [[ -x "$bin" ]] || die "$bin is not an executable tidemark binary"
done
A_BIN="$(realpath "$A_BIN")"
B_BIN="$(realpath "$B_BIN")"
need_count --files "$FILES"
need_count --reps "$REPS"
need_count --duration "$DURATION"
command -v wrk >/dev/null || die "wrk is missing; run scripts/install-deps.sh"

GEN="$ROOT/build/bench/tidemark_gen_tree"
RUNSTAT="$ROOT/build/bench/tidemark_runstat"
if [[ ! -x "$GEN" || ! -x "$RUNSTAT" ]]; then
  ./scripts/build.sh release tidemark_gen_tree tidemark_runstat >/dev/null ||
    die "building the bench tools failed; run scripts/build.sh release"
fi

mkdir -p "$BENCH_DIR" || die "cannot create $BENCH_DIR (set BENCH_DIR or --dir)"
BENCH_DIR="$(cd "$BENCH_DIR" && pwd)"
WORK="$BENCH_DIR/ab-run"
rm -rf "$WORK"
mkdir -p "$WORK"
# shellcheck source=bench/bench_lib.sh
source "$ROOT/bench/bench_lib.sh"
GEN_NOTES=()

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT

TREE="$BENCH_DIR/tree-n$FILES-s$SEED"
ensure_tree "$TREE" "$FILES" 4096
echo "==> warming the page cache"
warm "$TREE"

declare -A ms=()  # "label side" -> space-separated timings or rates
add() { ms["$1 $2"]+="$3 "; }

# scan SIDE BIN LABEL: one timed scan into the side's catalog.
scan() {
  local side="$1" bin="$2" label="$3" db="$WORK/$1.db"
  measure "$label-$side" quiet "$bin" --db "$db" -q scan files --hash none ||
    die "$label with $side ($bin) failed (stderr in $WORK/$label-$side.err)"
  local stats="$WORK/$label-$side.stat" cpu
  cpu="$(awk -v u="$(json_num user_ms "$stats")" -v s="$(json_num sys_ms "$stats")" 'BEGIN {print u + s}')"
  add "$label" "$side" "$LAST_WALL_MS"
  add "$label cpu" "$side" "$cpu"
  echo "    $label $side: $(fmt_ms "$LAST_WALL_MS"), CPU $(fmt_ms "$cpu")"
}

side_bin() { [[ "$1" == A ]] && echo "$A_BIN" || echo "$B_BIN"; }
order() { (($1 % 2)) && echo "A B" || echo "B A"; }

for ((r = 1; r <= REPS; r++)); do
  echo "==> round $r/$REPS: scans"
  measure find quiet find "$TREE" -printf '%s %T@ %p\n' || die "find failed"
  add find ref "$LAST_WALL_MS"
  for side in $(order "$r"); do
    db="$WORK/$side.db"
    rm -f "$db" "$db-wal" "$db-shm"
    "$(side_bin "$side")" --db "$db" repo add files "$TREE" >/dev/null ||
      die "repo add with $side failed"
    scan "$side" "$(side_bin "$side")" "cold scan"
  done
  for side in $(order "$r"); do
    scan "$side" "$(side_bin "$side")" "no-change rescan"
  done
done

# serve SIDE: starts `tidemark serve` on the side's catalog; sets BASE.
serve() {
  local side="$1" log="$WORK/serve-$1.log" port="" deadline=$((SECONDS + 120))
  : >"$log"
  "$(side_bin "$side")" --db "$WORK/$side.db" serve --listen 127.0.0.1:0 >"$log" 2>&1 &
  SERVER_PID=$!
  until [[ -n "$port" ]] && grep -qE "(^| )files: startup " "$log"; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; die "serve ($side) exited"; }
    ((SECONDS < deadline)) || die "serve ($side) did not start within 120 s (log: $log)"
    port="$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$log" | grep -oE '[0-9]+$' || true)"
    sleep 0.1
  done
  BASE="http://127.0.0.1:$port"
}

# The server's CPU time (user + system) in clock ticks.
server_ticks() { sed 's/^.*) //' "/proc/$SERVER_PID/stat" | awk '{print $12 + $13}'; }

# load SIDE LABEL PATH: wrk on PATH; records req/s and the server's CPU
# time per request (steadier than req/s when other work shares the cores).
load() {
  local out="$WORK/wrk.out" t0 t1
  t0="$(server_ticks)"
  wrk -t 2 -c 16 -d "${DURATION}s" "$BASE$3" >"$out" 2>&1 || die "wrk failed: $(cat "$out")"
  t1="$(server_ticks)"
  local rps n cpu
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$out")"
  n="$(awk '/requests in/ {print $1}' "$out")"
  [[ -n "$rps" && -n "$n" && "$n" -gt 0 ]] || die "cannot read wrk's report: $(cat "$out")"
  cpu="$(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$n" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')"
  add "$2" "$1" "$rps"
  add "$2 cpu" "$1" "$cpu"
  echo "    $2 $1: $rps req/s, $cpu us CPU/request"
}

for ((r = 1; r <= REPS; r++)); do
  echo "==> round $r/$REPS: serve"
  for side in $(order "$r"); do
    serve "$side"
    load "$side" "GET /healthz" /healthz
    load "$side" "GET files?limit=100" "/api/v1/repositories/files/files?limit=100"
    stop_server
  done
done

med() { median ${ms["$1 $2"]}; }
echo
echo "A: $A_BIN"
echo "B: $B_BIN"
echo "$(fmt_count "$FILES") files, $REPS rounds, medians; $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
printf '%-22s %12s %12s %8s\n' "" A B "B/A"
printf '%-22s %12s\n' "find -printf" "$(fmt_ms "$(med find ref)")"
for label in "cold scan" "no-change rescan"; do
  a="$(med "$label" A)" b="$(med "$label" B)"
  printf '%-22s %12s %12s %8s\n' "$label" "$(fmt_ms "$a")" "$(fmt_ms "$b")" "$(fmt_ratio "$b" "$a")"
  a="$(med "$label cpu" A)" b="$(med "$label cpu" B)"
  printf '%-22s %12s %12s %8s\n' "  CPU (user + sys)" "$(fmt_ms "$a")" "$(fmt_ms "$b")" "$(fmt_ratio "$b" "$a")"
done
for label in "GET /healthz" "GET files?limit=100"; do
  a="$(med "$label" A)" b="$(med "$label" B)"
  printf '%-22s %10s/s %10s/s %8s\n' "$label" "$a" "$b" "$(fmt_ratio "$b" "$a")"
  a="$(med "$label cpu" A)" b="$(med "$label cpu" B)"
  printf '%-22s %9s us %9s us %8s\n' "  server CPU/request" "$a" "$b" "$(fmt_ratio "$b" "$a")"
done
