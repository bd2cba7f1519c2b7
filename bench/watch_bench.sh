#!/usr/bin/env bash
# The real-time daemon benchmark (`tidemark watch`, SQLite), in one command:
#
#   bench/watch_bench.sh [--reps R] [--debounce MS] [--rate R] [--seconds S]
#                        [--drain S] [--burst-files N] [--burst-timeout S]
#                        [--idle-dirs N] [--idle-seconds S]
#                        [--only latency|burst|idle] [--seed S] [--dir DIR]
#                        [--build-dir DIR] [--no-build] [--results FILE]
#
# Measures the daemon issue's three targets, each in a temp dir on the local
# disk (DIR, default $BENCH_DIR or /tmp/tidemark-bench), on a fresh SQLite
# catalog, with the repository's default hash (sha256):
#
# 1. Latency, close() to commit, while tidemark_watch_writer writes 2 KiB
#    files at --rate per second (default 1,000) for --seconds (default 30)
#    into 100 directories made before the daemon starts.
#    Target: p50 <= debounce + 20 ms, p99 <= debounce + 100 ms.
#    The writer records CLOCK_REALTIME right after each close(). The commit
#    itself is stamped nowhere, so it is bracketed from the catalog after
#    the run:
#      lower bound  the record's created_at (SystemClock::NowNanos, read in
#                   WritePipeline::WriteBatch just before the transaction);
#      upper bound  end_time of the realtime operation whose time span holds
#                   that created_at (Gateway::FinishOperation, read after
#                   every batch of the operation committed).
#    The verdict uses the upper bound. The daemon is stopped --drain seconds
#    (default 10) after the writer ends; a file not committed by then counts
#    as infinitely late. Percentiles of the first 5 s of files (a small
#    catalog) are shown as well. R runs (default 3), medians reported.
# 2. Burst: `cp -r` of a tree of --burst-files small files (default 100,000
#    of 1-4 KiB, 100 per directory, tidemark_gen_tree) into the root of a
#    running daemon. Reports the time from cp start to fully reflected (the
#    end_time of the last operation, so the wait polls only the log), files
#    lost (sorted `find` vs catalog paths), the operations and their
#    counters (added must equal the files, updated 0), and read(2) calls of
#    the daemon per cataloged file, counted by `perf stat` on the
#    syscalls:sys_enter_read tracepoint with the inotify descriptor left
#    out: the hasher reads a small file in one call and SQLite uses pread64,
#    so about 1.0 means each file was read once, about 2 that files were
#    hashed twice. (/proc/PID/io rchar is shown too, but it counts SQLite's
#    preads of its own pages.) The reference is a cold `tidemark scan` of
#    the same tree in the same run, measured the same way. A run that is not
#    fully reflected within --burst-timeout (default 120 s) is reported as
#    such, and the remaining runs are skipped.
# 3. Idle: a daemon watching --idle-dirs directories (default 100,000:
#    100 x 1,000, one file in each top directory) after its startup sync;
#    CPU from /proc/PID/stat (utime + stime) over --idle-seconds (default
#    30, in three windows), RSS (VmRSS sampled every second, VmHWM), wakeups
#    (voluntary context switches of all threads). Target: <= 1% of a core
#    and <= 80 MB RSS. If fs.inotify.max_user_watches is too low for the
#    watches, it is raised for the run and restored on exit (needs root).
#
# Builds tidemark, tidemark_gen_tree, tidemark_runstat and
# tidemark_watch_writer in --build-dir (default build/, configured like
# scripts/build.sh release) unless --no-build. Prints a summary and writes
# it to FILE (default bench/results/watch_latest.md, which
# docs/PERFORMANCE.md quotes).
# Exits 1 if a command fails, files are lost, or the counters of a fully
# reflected burst are wrong; missed timing targets are reported, not failed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

REPS=3
DEBOUNCE_MS=500
RATE=1000
SECONDS_LAT=30
DRAIN_S=10
EARLY_S=5
LAT_DIRS=100
LAT_SIZE=2048
BURST_FILES=100000
BURST_TIMEOUT_S=120
IDLE_DIRS=100000
IDLE_SECONDS=30
ONLY=""
SEED=42
BENCH_DIR="${BENCH_DIR:-/tmp/tidemark-bench}"
BUILD_DIR=build
BUILD=true
RESULTS_MD="$ROOT/bench/results/watch_latest.md"

usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; }
die() {
  echo "watch_bench: $*" >&2
  exit 1
}
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; }
need_count() { [[ "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || die "$1 wants a positive integer, got '$2'"; }

while (($# > 0)); do
  case "$1" in
    --reps) need_value "$@"; REPS="$2"; shift 2 ;;
    --debounce) need_value "$@"; DEBOUNCE_MS="${2%ms}"; shift 2 ;;
    --rate) need_value "$@"; RATE="$2"; shift 2 ;;
    --seconds) need_value "$@"; SECONDS_LAT="$2"; shift 2 ;;
    --drain) need_value "$@"; DRAIN_S="$2"; shift 2 ;;
    --burst-files) need_value "$@"; BURST_FILES="$2"; shift 2 ;;
    --burst-timeout) need_value "$@"; BURST_TIMEOUT_S="$2"; shift 2 ;;
    --idle-dirs) need_value "$@"; IDLE_DIRS="$2"; shift 2 ;;
    --idle-seconds) need_value "$@"; IDLE_SECONDS="$2"; shift 2 ;;
    --only) need_value "$@"; ONLY="$2"; shift 2 ;;
    --seed) need_value "$@"; SEED="$2"; shift 2 ;;
    --dir) need_value "$@"; BENCH_DIR="$2"; shift 2 ;;
    --build-dir) need_value "$@"; BUILD_DIR="$2"; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    --results) need_value "$@"; RESULTS_MD="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
need_count --reps "$REPS"
need_count --rate "$RATE"
need_count --seconds "$SECONDS_LAT"
need_count --drain "$DRAIN_S"
need_count --burst-files "$BURST_FILES"
need_count --burst-timeout "$BURST_TIMEOUT_S"
need_count --idle-seconds "$IDLE_SECONDS"
[[ "$DEBOUNCE_MS" =~ ^[0-9]+$ ]] || die "--debounce wants milliseconds, got '$DEBOUNCE_MS'"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "--seed wants a non-negative integer, got '$SEED'"
((IDLE_DIRS >= 1000 && IDLE_DIRS % 1000 == 0)) || die "--idle-dirs wants a multiple of 1,000"
case "$ONLY" in "" | latency | burst | idle) ;; *) die "--only wants latency, burst or idle" ;; esac
want() { [[ -z "$ONLY" || "$ONLY" == "$1" ]]; }

[[ "$BUILD_DIR" == /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
TIDEMARK="$BUILD_DIR/tidemark"
GEN="$BUILD_DIR/bench/tidemark_gen_tree"
RUNSTAT="$BUILD_DIR/bench/tidemark_runstat"
WRITER="$BUILD_DIR/bench/tidemark_watch_writer"

# --- build -------------------------------------------------------------------
if $BUILD; then
  echo "==> building tidemark and the bench tools (release, $BUILD_DIR)"
  build_log="$(mktemp -t tidemark-watch-bench-build.XXXXXX)"
  if ! {
    if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
      # The flags of scripts/build.sh release.
      cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTIDEMARK_WERROR=ON
    fi
    cmake --build "$BUILD_DIR" -j "$(nproc 2>/dev/null || echo 2)" --target \
      tidemark tidemark_gen_tree tidemark_runstat tidemark_watch_writer
  } >"$build_log" 2>&1; then
    tail -n 40 "$build_log" >&2
    rm -f "$build_log"
    die "the release build failed (last lines above)"
  fi
  rm -f "$build_log"
fi
# The source the binaries were built from (with --no-build: what is checked
# out now, which may be newer than the binaries).
rev="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null || true)" ]]; then rev="$rev+dirty"; fi
$BUILD || rev="$rev (checked out; built earlier with --no-build)"
for bin in "$TIDEMARK" "$GEN" "$RUNSTAT" "$WRITER"; do
  [[ -x "$bin" ]] || die "$bin is missing; build it or drop --no-build"
done
command -v sqlite3 >/dev/null || die "sqlite3 is missing (apt-get install sqlite3); it reads the catalog afterwards"

mkdir -p "$BENCH_DIR" || die "cannot create the bench dir $BENCH_DIR (set BENCH_DIR or --dir)"
BENCH_DIR="$(cd "$BENCH_DIR" && pwd)"
WORK="$BENCH_DIR/watch-run"
rm -rf "$WORK"
mkdir -p "$WORK"

# shellcheck source=bench/bench_lib.sh
source "$ROOT/bench/bench_lib.sh"

FAILED=()
DISTURBED_RUNS=()
DISTURBED=false
TRIES=0
GEN_NOTES=()
NOTES=()
DAEMON_PID=""
SYSCTL_RESTORE=""
CLK_TCK="$(getconf CLK_TCK)"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

cleanup() {
  if [[ -n "$DAEMON_PID" ]] && kill -0 "$DAEMON_PID" 2>/dev/null; then
    kill -TERM "$DAEMON_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DAEMON_PID" 2>/dev/null || true
  fi
  if [[ -n "$SYSCTL_RESTORE" ]]; then
    sysctl -q -w "fs.inotify.max_user_watches=$SYSCTL_RESTORE" &&
      echo "==> restored fs.inotify.max_user_watches to $SYSCTL_RESTORE"
  fi
}
trap cleanup EXIT

# --- helpers ---------------------------------------------------------------------

now_ns() { date +%s%N; }
# CPU ticks (utime + stime) of a process; the name in field 2 may hold spaces.
proc_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
proc_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
proc_rchar() { awk '$1 == "rchar:" {print $2}' "/proc/$1/io"; }
# Voluntary context switches of all threads: how often the daemon wakes.
proc_wakeups() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '$1 == "voluntary_ctxt_switches:" {s += $2} END {print s + 0}'; }
proc_watches() { cat /proc/"$1"/fdinfo/* 2>/dev/null | grep -c '^inotify' || true; }
sum_sizes() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s}'; }
# The added counts the daemon logged, startup syncs left out.
logged_added() {
  awk '!/: startup / && match($0, /(completed|partial|failed): \+[0-9]+/) {
         t = substr($0, RSTART, RLENGTH); sub(/.*\+/, "", t); s += t
       } END {printf "%.0f", s}' "$1"
}
# pct P: the P-th percentile (nearest rank) of the numbers on stdin.
pct() { sort -g | awk -v p="$1" '{v[NR] = $1} END {if (NR == 0) {print "nan"; exit} i = int(p / 100 * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; printf "%.1f", v[i]}'; }
fmt1() { awk -v x="$1" 'BEGIN {printf "%.1f", x}'; }
sql() { sqlite3 -readonly -batch -noheader -separator $'\t' "$1" "$2"; }

fresh_db() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }
repo_add() {
  "$TIDEMARK" --db "$1" repo add "$2" "$3" >"$WORK/repo-add.out" 2>&1 ||
    die "tidemark repo add $2 failed: $(cat "$WORK/repo-add.out")"
}

# start_daemon LABEL DB NAME TIMEOUT_S: runs `tidemark watch NAME` in the
# background and waits for its startup sync. Sets DAEMON_PID, DAEMON_LOG and
# STARTUP_MS (launch to the startup line, as seen from here).
start_daemon() {
  local label="$1" db="$2" name="$3" timeout_s="$4"
  DAEMON_LOG="$WORK/$label.log"
  local t0
  t0="$(now_ns)"
  : >"$DAEMON_LOG"
  "$TIDEMARK" --db "$db" watch "$name" --debounce "${DEBOUNCE_MS}ms" \
    >"$DAEMON_LOG" 2>"$WORK/$label.err" &
  DAEMON_PID=$!
  local deadline=$((SECONDS + timeout_s))
  until grep -qE "(^| )$name: startup " "$DAEMON_LOG"; do
    kill -0 "$DAEMON_PID" 2>/dev/null || {
      cat "$DAEMON_LOG" "$WORK/$label.err" >&2
      die "$label: the daemon exited before its startup sync finished"
    }
    ((SECONDS < deadline)) || die "$label: no startup sync within ${timeout_s} s (log: $DAEMON_LOG)"
    sleep 0.05
  done
  STARTUP_MS=$((($(now_ns) - t0) / 1000000))
  grep -qE "(^| )$name: startup completed" "$DAEMON_LOG" ||
    FAILED+=("$label: startup sync did not complete: $(grep -E "(^| )$name: startup" "$DAEMON_LOG")")
}

# stop_daemon: SIGTERM, wait, and check the log: a degraded daemon (some
# directory not watched) measured something else than the target, which on
# a shared machine happens when another process lowers the per-user
# fs.inotify.max_user_watches for a moment (the watch-limit tests do).
stop_daemon() {
  [[ -n "$DAEMON_PID" ]] || return 0
  kill -TERM "$DAEMON_PID" 2>/dev/null || true
  local rc=0
  wait "$DAEMON_PID" || rc=$?
  ((rc == 0)) || FAILED+=("the daemon exited with $rc on SIGTERM (log: $DAEMON_LOG)")
  DAEMON_PID=""
  local degraded
  degraded="$(grep -m 1 ': degraded' "$DAEMON_LOG" || true)"
  DISTURBED=false
  if [[ -n "$degraded" ]]; then
    DISTURBED=true
    DISTURBED_RUNS+=("$(basename "$DAEMON_LOG" .log) ($degraded)")
    echo "    DISTURBED, not counted: $degraded" >&2
  fi
}

# retry_or_give_up WHAT: after a disturbed run, true to run it again (at
# most two extra runs per measurement), false to go on without it.
retry_or_give_up() {
  if ((TRIES < REPS + 2)); then
    echo "    running it again"
    return 0
  fi
  FAILED+=("$1: too many disturbed runs")
  return 1
}

# wait_reflected EXPECT QUIET_S TIMEOUT_S: waits until the daemon has logged
# EXPECT added files and its log has been quiet for QUIET_S seconds (so the
# aggregator has nothing left), or TIMEOUT_S passed (1), or the daemon went
# degraded (2). Polls only the log.
wait_reflected() {
  local expect="$1" quiet_s="$2" timeout_s="$3"
  local deadline=$((SECONDS + timeout_s)) size last_size=-1 quiet_since=$SECONDS
  while ((SECONDS < deadline)); do
    grep -q ': degraded' "$DAEMON_LOG" && return 2
    size="$(stat -c %s "$DAEMON_LOG")"
    if [[ "$size" != "$last_size" ]]; then
      last_size="$size"
      quiet_since=$SECONDS
    elif (($(logged_added "$DAEMON_LOG") >= expect && SECONDS - quiet_since >= quiet_s)); then
      return 0
    fi
    sleep 0.25
  done
  return 1
}

repo_id() { sql "$1" "SELECT id FROM repositories WHERE name = '$2'"; }

RESULT_ROWS=()   # markdown table rows for the report
VERDICTS=()      # target|measured|verdict

# --- 1. latency ------------------------------------------------------------------
# show_ms X: "X ms", or what an infinite percentile means here.
show_ms() { if [[ "$1" == inf ]]; then echo "not committed"; else echo "$1 ms"; fi; }
verdict_le() {
  awk -v m="$1" -v t="$2" 'BEGIN {
    if (m == "inf") print "**missed** (not committed within the run)"
    else if (m <= t) print "met"
    else printf "**missed by %.0f ms**\n", m - t}'
}
ratio_or_inf() { if [[ "$1" == inf ]]; then echo "∞"; else fmt_ratio "$1" "$2"; fi; }
if want latency; then
  LAT_FILES=$((RATE * SECONDS_LAT))
  EARLY_FILES=$((RATE * EARLY_S < LAT_FILES ? RATE * EARLY_S : LAT_FILES))
  declare -a lo50=() lo90=() lo99=() lomax=() hi50=() hi90=() hi99=() himax=() e50=() e99=()
  declare -a lat_ops=() lat_rate=() lat_late=() lat_committed=()
  r=1 TRIES=0
  while ((r <= REPS)); do
    TRIES=$((TRIES + 1))
    root="$WORK/lat-root"
    db="$WORK/lat.db"
    rm -rf "$root"
    fresh_db "$db"
    "$WRITER" --root "$root" --dirs "$LAT_DIRS" --mkdir-only || die "tidemark_watch_writer --mkdir-only failed"
    repo_add "$db" lat "$root"
    start_daemon "lat-$r" "$db" lat 60
    echo "==> rep $r/$REPS: latency, $(fmt_count "$LAT_FILES") files at $RATE/s (debounce $DEBOUNCE_MS ms)"
    closes="$WORK/lat-$r.closes"
    "$WRITER" --root "$root" --files "$LAT_FILES" --rate "$RATE" --dirs "$LAT_DIRS" \
      --size "$LAT_SIZE" --out "$closes" 2>"$WORK/lat-$r.writer" ||
      die "tidemark_watch_writer failed: $(cat "$WORK/lat-$r.writer")"
    # A daemon that keeps up is done about a debounce after the writer.
    wait_reflected "$LAT_FILES" $((DEBOUNCE_MS / 1000 + 2)) "$DRAIN_S" || true
    stop_daemon
    if $DISTURBED; then
      retry_or_give_up latency && continue
      break
    fi
    lat_rate+=("$(json_num rate "$WORK/lat-$r.writer")")
    lat_late+=("$(json_num max_late_ms "$WORK/lat-$r.writer")")

    id="$(repo_id "$db" lat)"
    sql "$db" "SELECT start_time, end_time FROM sync_operations
               WHERE repository_id = $id AND operation_type = 'realtime' AND end_time > 0
               ORDER BY start_time" >"$WORK/lat-$r.ops"
    sql "$db" "SELECT CAST(path AS TEXT), created_at FROM file_records
               WHERE repository_id = $id AND kind = 'file'" >"$WORK/lat-$r.records"
    lat_ops+=("$(wc -l <"$WORK/lat-$r.ops")")
    # One line per written file: lower and upper bound of close -> commit in
    # ms, and 1 if it was among the first EARLY_FILES written. A file not in
    # the catalog when the daemon stopped counts as infinitely late.
    # Operations of one repository never overlap.
    awk -F'\t' -v early="$EARLY_FILES" '
      FILENAME == ARGV[1] {s[n] = $1 + 0; e[n] = $2 + 0; n++; next}
      FILENAME == ARGV[2] {c[$1] = $2 + 0; idx[$1] = FNR; next}
      ($1 in c) && !($1 in seen) {
        seen[$1] = 1
        t = $2 + 0; lo = 0; hi = n - 1; k = -1
        while (lo <= hi) { m = int((lo + hi) / 2); if (s[m] <= t) {k = m; lo = m + 1} else hi = m - 1 }
        end = (k >= 0 && e[k] >= t) ? e[k] : t
        printf "%.3f\t%.3f\t%d\n", (t - c[$1]) / 1e6, (end - c[$1]) / 1e6, idx[$1] <= early
        found++
      }
      END {
        for (p in c) if (!(p in seen)) printf "inf\tinf\t%d\n", idx[p] <= early
        print found + 0 > "/dev/stderr"
      }' \
      "$WORK/lat-$r.ops" "$closes" "$WORK/lat-$r.records" >"$WORK/lat-$r.ms" 2>"$WORK/lat-$r.found"
    found="$(cat "$WORK/lat-$r.found")"
    lat_committed+=("$found")
    lo50+=("$(cut -f1 "$WORK/lat-$r.ms" | pct 50)"); hi50+=("$(cut -f2 "$WORK/lat-$r.ms" | pct 50)")
    lo90+=("$(cut -f1 "$WORK/lat-$r.ms" | pct 90)"); hi90+=("$(cut -f2 "$WORK/lat-$r.ms" | pct 90)")
    lo99+=("$(cut -f1 "$WORK/lat-$r.ms" | pct 99)"); hi99+=("$(cut -f2 "$WORK/lat-$r.ms" | pct 99)")
    lomax+=("$(cut -f1 "$WORK/lat-$r.ms" | pct 100)"); himax+=("$(cut -f2 "$WORK/lat-$r.ms" | pct 100)")
    e50+=("$(awk -F'\t' '$3 == 1 {print $2}' "$WORK/lat-$r.ms" | pct 50)")
    e99+=("$(awk -F'\t' '$3 == 1 {print $2}' "$WORK/lat-$r.ms" | pct 99)")
    echo "    committed $(fmt_count "$found") of $(fmt_count "$LAT_FILES") by ${DRAIN_S} s after the writer ended;" \
      "${lat_ops[-1]} operations; writer $(fmt1 "${lat_rate[-1]}")/s, at most $(fmt1 "${lat_late[-1]}") ms late"
    echo "    close -> commit, ms (lower..upper bound): p50 ${lo50[-1]}..${hi50[-1]}, p90 ${lo90[-1]}..${hi90[-1]}," \
      "p99 ${lo99[-1]}..${hi99[-1]}, max ${lomax[-1]}..${himax[-1]}; first $(fmt_count "$EARLY_FILES") files: p50 ${e50[-1]}, p99 ${e99[-1]}"
    r=$((r + 1))
  done
  ((${#hi50[@]} > 0)) || die "every latency run was disturbed: ${DISTURBED_RUNS[*]}"
  # med1 VALUES...: the median to 0.1 ms, or inf.
  med1() { awk -v x="$(median "$@")" 'BEGIN {if (x == "inf") print x; else printf "%.1f", x}'; }
  L50="$(med1 "${hi50[@]}")"; L90="$(med1 "${hi90[@]}")"; L99="$(med1 "${hi99[@]}")"; LMAX="$(med1 "${himax[@]}")"
  LL50="$(med1 "${lo50[@]}")"; LL90="$(med1 "${lo90[@]}")"; LL99="$(med1 "${lo99[@]}")"; LLMAX="$(med1 "${lomax[@]}")"
  E50="$(med1 "${e50[@]}")"; E99="$(med1 "${e99[@]}")"
  T50=$((DEBOUNCE_MS + 20)); T99=$((DEBOUNCE_MS + 100))
  range() { if [[ "$2" == inf ]]; then show_ms inf; else echo "$1 – $2 ms"; fi; }
  RESULT_ROWS+=("| close → commit, p50 | $(range "$LL50" "$L50") | ≤ $T50 ms | $(ratio_or_inf "$L50" "$T50") | $(verdict_le "$L50" "$T50") |")
  RESULT_ROWS+=("| close → commit, p90 | $(range "$LL90" "$L90") | - | - | - |")
  RESULT_ROWS+=("| close → commit, p99 | $(range "$LL99" "$L99") | ≤ $T99 ms | $(ratio_or_inf "$L99" "$T99") | $(verdict_le "$L99" "$T99") |")
  RESULT_ROWS+=("| close → commit, max | $(range "$LLMAX" "$LMAX") | - | - | - |")
  RESULT_ROWS+=("| close → commit, first $(fmt_count "$EARLY_FILES") files only, p50 / p99 | $(show_ms "$E50") / $(show_ms "$E99") | - | - | - |")
  RESULT_ROWS+=("| files committed by ${DRAIN_S} s after the writer ended | $(fmt_count "$(median "${lat_committed[@]}")") of $(fmt_count "$LAT_FILES") | all | - | - |")
  LAT_CONTEXT="$(fmt_count "$LAT_FILES") files of $LAT_SIZE B at $RATE/s into $LAT_DIRS directories (writer achieved $(fmt1 "$(median "${lat_rate[@]}")")/s, at most $(fmt1 "$(maximum "${lat_late[@]}")") ms behind schedule); median of $REPS runs; $(median "${lat_ops[@]}") realtime operations per run. The daemon is stopped ${DRAIN_S} s after the writer ends; a file not committed by then counts as infinitely late. Per run: committed ${lat_committed[*]}; upper bound p50 ${hi50[*]} ms; p99 ${hi99[*]} ms."
  VERDICTS+=("p50 close → commit ≤ debounce + 20 ms ($T50 ms)|$(range "$LL50" "$L50") ($(ratio_or_inf "$L50" "$T50") the target)|$(verdict_le "$L50" "$T50")")
  VERDICTS+=("p99 close → commit ≤ debounce + 100 ms ($T99 ms)|$(range "$LL99" "$L99") ($(ratio_or_inf "$L99" "$T99") the target)|$(verdict_le "$L99" "$T99")")
fi

# --- 2. burst --------------------------------------------------------------------
# Counting read(2) calls tells how many times files were read: the hasher
# reads a small file in one call, SQLite reads with pread64, and the inotify
# descriptor is left out. /proc/PID/io rchar also counts SQLite's preads.
PERF_OK=false
if command -v perf >/dev/null && perf stat -e syscalls:sys_enter_read -x ',' -o /dev/null -- true >/dev/null 2>&1; then
  PERF_OK=true
else
  NOTES+=("perf cannot count syscalls:sys_enter_read here, so reads per file are not measured (rchar only)")
fi
perf_count() { awk -F, '$3 ~ /sys_enter_read/ {print $1 + 0; exit}' "$1" 2>/dev/null; }
if want burst; then
  BURST_TREE="$BENCH_DIR/burst-n$BURST_FILES-s$SEED"
  # depth 1 at fanout 100: BURST_FILES / 100 directories of 100 files each.
  ensure_tree "$BURST_TREE" "$BURST_FILES" 4096 1024 1
  # Contents too: the scan hashes them and cp reads them; otherwise the
  # first of either pays for reading the tree from disk.
  warm "$BURST_TREE"
  find "$BURST_TREE" -type f -print0 | xargs -0 cat >/dev/null
  BURST_DIRS="$(find "$BURST_TREE" -mindepth 1 -type d | wc -l)"
  BURST_BYTES="$(sum_sizes "$BURST_TREE")"
  declare -a scan_ms=() scan_cpu=() scan_reads=() scan_rchar=()
  for ((r = 1; r <= REPS; r++)); do
    db="$WORK/ref.db"
    fresh_db "$db"
    repo_add "$db" ref "$BURST_TREE"
    echo "==> rep $r/$REPS: reference, tidemark scan of the same tree (cold catalog)"
    # bash folds the reaped scan's I/O counters into its own /proc/PID/io.
    # shellcheck disable=SC2016
    scan_cmd=(bash -c '"$@"; rc=$?; grep "^rchar:" /proc/$$/io >&2; exit $rc' _
      "$TIDEMARK" --db "$db" scan ref --json)
    if $PERF_OK; then
      scan_cmd=(perf stat -e syscalls:sys_enter_read -x ',' -o "$WORK/scan-ref-$r.reads" -- "${scan_cmd[@]}")
    fi
    measure "scan-ref-$r" keep "${scan_cmd[@]}" || die "the reference scan failed"
    scan_ms+=("$LAST_WALL_MS")
    scan_cpu+=("$(awk -v u="$(json_num user_ms "$WORK/scan-ref-$r.stat")" -v s="$(json_num sys_ms "$WORK/scan-ref-$r.stat")" 'BEGIN {printf "%.2f", (u + s) / 1000}')")
    rchar="$(awk '$1 == "rchar:" {print $2}' "$WORK/scan-ref-$r.err")"
    scan_rchar+=("$(awk -v a="$rchar" -v b="$BURST_BYTES" 'BEGIN {printf "%.2f", a / b}')")
    scan_reads+=("$($PERF_OK && awk -v a="$(perf_count "$WORK/scan-ref-$r.reads")" -v n="$BURST_FILES" 'BEGIN {printf "%.3f", a / n}' || echo -)")
    echo "    $(fmt_ms "$LAST_WALL_MS"), $(fmt_rate "$BURST_FILES" "$LAST_WALL_MS") files/s, ${scan_cpu[-1]} s CPU; ${scan_reads[-1]} read() calls per file, rchar ${scan_rchar[-1]}x the tree's bytes"
  done
  SCAN_MS="$(median "${scan_ms[@]}")"

  declare -a b_ms=() b_lag=() b_cp=() b_reads=() b_rchar=() b_lost=() b_ops=() b_cpu=() b_hwm=() b_counts=() b_types=()
  BURST_DONE=true
  r=1 TRIES=0
  while ((r <= REPS)); do
    TRIES=$((TRIES + 1))
    # A fresh root each run, all removed after the last: ext4 allocates
    # inodes slowly next to ones deleted seconds before (recently_deleted),
    # which made a cp -r right after an rm -rf of the last copy 5x slower.
    root="$WORK/burst-root-$TRIES"
    db="$WORK/burst.db"
    mkdir -p "$root"
    fresh_db "$db"
    repo_add "$db" burst "$root"
    start_daemon "burst-$r" "$db" burst 60
    echo "==> rep $r/$REPS: burst, cp -r of $(fmt_count "$BURST_FILES") files in $(fmt_count "$BURST_DIRS") directories"
    perf_pid=""
    if $PERF_OK; then
      ino=""
      for f in /proc/"$DAEMON_PID"/fdinfo/*; do
        grep -q '^inotify' "$f" 2>/dev/null && ino="$(basename "$f")"
      done
      perf stat -e syscalls:sys_enter_read ${ino:+--filter "fd != $ino"} -p "$DAEMON_PID" -x ',' \
        -o "$WORK/burst-$r.reads" 2>/dev/null &
      perf_pid=$!
      sleep 0.3  # attached before the first event
    fi
    rchar0="$(proc_rchar "$DAEMON_PID")"
    ticks0="$(proc_ticks "$DAEMON_PID")"
    t0="$(now_ns)"
    measure "cp-$r" quiet cp -r "$BURST_TREE" "$root/tree" || die "cp -r failed"
    cp_ms="$LAST_WALL_MS"
    complete=true
    wait_reflected "$BURST_FILES" $((DEBOUNCE_MS / 1000 + 2)) "$BURST_TIMEOUT_S" || complete=false
    rchar1="$(proc_rchar "$DAEMON_PID")"
    ticks1="$(proc_ticks "$DAEMON_PID")"
    hwm="$(proc_kb "$DAEMON_PID" VmHWM)"
    stop_daemon
    if [[ -n "$perf_pid" ]]; then
      # perf stat -p ends with the daemon; what the daemon committed while
      # stopping was read while perf still counted.
      for _ in $(seq 20); do kill -0 "$perf_pid" 2>/dev/null || break; sleep 0.1; done
      kill -INT "$perf_pid" 2>/dev/null || true
      wait "$perf_pid" || true
    fi
    if $DISTURBED; then
      retry_or_give_up burst && continue
      break
    fi

    id="$(repo_id "$db" burst)"
    IFS=$'\t' read -r n_ops added updated moved removed errors last_end < <(sql "$db" \
      "SELECT count(*), CAST(total(files_added) AS INTEGER), CAST(total(files_updated) AS INTEGER),
              CAST(total(files_moved) AS INTEGER), CAST(total(files_removed) AS INTEGER),
              CAST(total(errors) AS INTEGER), max(end_time)
       FROM sync_operations WHERE repository_id = $id AND start_time >= $t0")
    types="$(sql "$db" "SELECT group_concat(n || ' ' || operation_type, ', ') FROM
      (SELECT operation_type, count(*) AS n FROM sync_operations
       WHERE repository_id = $id AND start_time >= $t0 GROUP BY operation_type)")"
    sql "$db" "SELECT CAST(path AS TEXT) FROM file_records WHERE repository_id = $id AND kind = 'file'" |
      LC_ALL=C sort >"$WORK/burst-$r.catalog"
    cataloged="$(wc -l <"$WORK/burst-$r.catalog")"
    cat_bytes="$(sql "$db" "SELECT total(size) FROM file_records WHERE repository_id = $id AND kind = 'file'")"
    (cd "$root" && find . -type f -printf '%P\n') | LC_ALL=C sort >"$WORK/burst-$r.find"
    lost="$(LC_ALL=C comm -23 "$WORK/burst-$r.find" "$WORK/burst-$r.catalog" | wc -l)"
    extra="$(LC_ALL=C comm -13 "$WORK/burst-$r.find" "$WORK/burst-$r.catalog" | wc -l)"
    b_cp+=("$cp_ms"); b_hwm+=("$hwm")
    b_ops+=("$n_ops"); b_counts+=("+$added ~$updated >$moved -$removed"); b_types+=("$types")
    b_rchar+=("$(awk -v a="$((rchar1 - rchar0))" -v b="$cat_bytes" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')")
    b_reads+=("$([[ -n "$perf_pid" ]] && awk -v a="$(perf_count "$WORK/burst-$r.reads")" -v n="$cataloged" 'BEGIN {printf "%.3f", (n > 0 ? a / n : 0)}' || echo -)")
    b_cpu+=("$(awk -v t="$((ticks1 - ticks0))" -v hz="$CLK_TCK" 'BEGIN {printf "%.2f", t / hz}')")
    if $complete; then
      ms=$(awk -v a="$last_end" -v b="$t0" 'BEGIN {printf "%.0f", (a - b) / 1e6}')
      lag=$(awk -v ms="$ms" -v cp="$cp_ms" 'BEGIN {printf "%.0f", ms - cp}')
      b_ms+=("$ms"); b_lag+=("$lag"); b_lost+=("$lost")
      echo "    fully reflected $(fmt_ms "$ms") after cp start, $(fmt_ms "$lag") after cp ended (cp itself $(fmt_ms "$cp_ms"));" \
        "$(fmt_rate "$BURST_FILES" "$ms") files/s; lost $lost, extra $extra"
      ((lost == 0)) || FAILED+=("burst rep $r: $lost files are not in the catalog (list: $WORK/burst-$r.find vs .catalog)")
      [[ "$added" == "$BURST_FILES" && "$updated" == 0 && "$moved" == 0 && "$removed" == 0 ]] ||
        FAILED+=("burst rep $r: operations counted +$added ~$updated >$moved -$removed; expected +$BURST_FILES ~0 >0 -0")
    else
      BURST_DONE=false
      BURST_PARTIAL="$cataloged"
      echo "    NOT fully reflected within $BURST_TIMEOUT_S s: $(fmt_count "$cataloged") of $(fmt_count "$BURST_FILES") files in the catalog" \
        "($(fmt_rate "$cataloged" $((BURST_TIMEOUT_S * 1000))) files/s on average; cp itself $(fmt_ms "$cp_ms"))"
    fi
    ((extra == 0)) || FAILED+=("burst rep $r: $extra catalog records have no file")
    echo "    $n_ops operations ($types): ${b_counts[-1]}, $errors errors; ${b_reads[-1]} read() calls per cataloged file," \
      "rchar ${b_rchar[-1]}x the cataloged bytes; ${b_cpu[-1]} s CPU; peak RSS $(fmt_kb "$hwm")"
    if ! $complete; then
      ((r < REPS)) && echo "    (further burst runs skipped: they would time out the same way)"
      break
    fi
    r=$((r + 1))
  done
  rm -rf "$WORK"/burst-root-*
  ((${#b_cp[@]} > 0)) || die "every burst run was disturbed: ${DISTURBED_RUNS[*]}"
  B_READS="$(median "${b_reads[@]}")"
  reads_verdict="$(awk -v x="$B_READS" 'BEGIN {if (x == "-") print "not measured"; else print ((x < 1.5) ? "met" : "**missed**")}')"
  if $BURST_DONE; then
    B_MS="$(median "${b_ms[@]}")"
    RESULT_ROWS+=("| burst: fully reflected after cp start | $(fmt_ms "$B_MS") ($(fmt_rate "$BURST_FILES" "$B_MS") files/s) | - | $(fmt_ratio "$B_MS" "$SCAN_MS") a cold scan | - |")
    RESULT_ROWS+=("| burst: fully reflected after cp ended | $(fmt_ms "$(median "${b_lag[@]}")") | - | - | - |")
    lost_cell="$(maximum "${b_lost[@]}") (max of ${#b_lost[@]})"
    lost_verdict="$( (($(maximum "${b_lost[@]}") == 0)) && echo met || echo '**missed**')"
  else
    RESULT_ROWS+=("| burst: fully reflected after cp start | **not within $BURST_TIMEOUT_S s**: $(fmt_count "$BURST_PARTIAL") of $(fmt_count "$BURST_FILES") ($(fmt_rate "$BURST_PARTIAL" $((BURST_TIMEOUT_S * 1000))) files/s) | - | > $(fmt_ratio $((BURST_TIMEOUT_S * 1000)) "$SCAN_MS") a cold scan | - |")
    lost_cell="not known: $(fmt_count $((BURST_FILES - BURST_PARTIAL))) files still missing when the run stopped after $BURST_TIMEOUT_S s"
    lost_verdict="**not shown**"
  fi
  RESULT_ROWS+=("| burst: cp -r itself | $(fmt_ms "$(median "${b_cp[@]}")") | - | - | - |")
  RESULT_ROWS+=("| reference: tidemark scan, cold catalog | $(fmt_ms "$SCAN_MS") ($(fmt_rate "$BURST_FILES" "$SCAN_MS") files/s) | - | 1.00x | - |")
  SCAN_CPU="$(median "${scan_cpu[@]}")"
  RESULT_ROWS+=("| burst: daemon CPU for the burst | $(median "${b_cpu[@]}") s (cold scan: $SCAN_CPU s) | - | $(fmt_ratio "$(median "${b_cpu[@]}")" "$SCAN_CPU") a cold scan | - |")
  RESULT_ROWS+=("| burst: files lost | $lost_cell | 0 | - | $lost_verdict |")
  RESULT_ROWS+=("| burst: read() calls per cataloged file | $B_READS (cold scan: $(median "${scan_reads[@]}")) | ≈ 1 | - | $reads_verdict |")
  RESULT_ROWS+=("| burst: operations (per run) | $(printf '%s; ' "${b_types[@]}" | sed 's/; $//') | - | - | - |")
  RESULT_ROWS+=("| burst: counters (per run) | $(printf '%s; ' "${b_counts[@]}" | sed 's/; $//') | +$(fmt_count "$BURST_FILES") ~0 >0 -0 | - | - |")
  BURST_CONTEXT="$(fmt_count "$BURST_FILES") files of 1-4 KiB ($(awk -v b="$BURST_BYTES" 'BEGIN {printf "%.0f", b / 1048576}') MiB) in $(fmt_count "$BURST_DIRS") directories (tidemark_gen_tree seed $SEED, depth 1), copied with \`cp -r\` into the watched root; ${#b_cp[@]} run(s), up to $BURST_TIMEOUT_S s each. Per run: ms to fully reflected ${b_ms[*]:-none} (after cp ended: ${b_lag[*]:-none}); cp ${b_cp[*]} ms; daemon CPU ${b_cpu[*]} s; rchar / cataloged bytes ${b_rchar[*]} (SQLite's own preads included); daemon peak RSS $(fmt_kb "$(maximum "${b_hwm[@]}")"). Reference scans: ${scan_ms[*]} ms, CPU ${scan_cpu[*]} s, rchar ${scan_rchar[*]}x the tree."
  counters="$(printf '%s; ' "${b_counts[@]}" | sed 's/; $//')"
  VERDICTS+=("burst of $(fmt_count "$BURST_FILES") files: fully reflected, zero lost|$lost_cell; counters per run $counters|$lost_verdict")
  VERDICTS+=("burst: no file hashed twice|$B_READS read() calls per cataloged file (cold scan $(median "${scan_reads[@]}"))|$reads_verdict")
fi

# --- 3. idle ---------------------------------------------------------------------
if want idle; then
  IDLE_TREE="$BENCH_DIR/idle-d$IDLE_DIRS"
  top=100 sub=$((IDLE_DIRS / 100))
  if [[ ! -f "$IDLE_TREE.generated" || "$(cat "$IDLE_TREE.generated")" != "dirs=$IDLE_DIRS" ]]; then
    echo "==> making $(fmt_count "$IDLE_DIRS") directories in $IDLE_TREE"
    rm -rf "$IDLE_TREE" "$IDLE_TREE.generated"
    mkdir -p "$IDLE_TREE"
    for ((t = 0; t < top; t++)); do
      d="$IDLE_TREE/t$(printf %02d "$t")"
      mkdir "$d"
      (cd "$d" && seq -f 's%04g' 0 $((sub - 1)) | xargs mkdir)
      echo "file $t" >"$d/readme.txt"
    done
    echo "dirs=$IDLE_DIRS" >"$IDLE_TREE.generated"
  else
    echo "==> reusing $IDLE_TREE ($(fmt_count "$IDLE_DIRS") directories)"
  fi
  # Watches are counted per user: leave room for those already held.
  used="$(cat /proc/[0-9]*/fdinfo/* 2>/dev/null | grep -c '^inotify' || true)"
  need=$((IDLE_DIRS + top + 1 + used + 10000))
  have="$(sysctl -n fs.inotify.max_user_watches)"
  if ((have < need)); then
    sysctl -q -w "fs.inotify.max_user_watches=$need" ||
      die "fs.inotify.max_user_watches is $have, below the $need this run needs, and could not be raised (run as root, or: sysctl fs.inotify.max_user_watches=$need)"
    SYSCTL_RESTORE="$have"
    NOTES+=("raised fs.inotify.max_user_watches from $have to $need for the idle run (restored at exit)")
    echo "==> raised fs.inotify.max_user_watches from $have to $need (restored at exit)"
  else
    echo "==> fs.inotify.max_user_watches is $have; $need needed ($used already in use)"
  fi
  warm "$IDLE_TREE"
  db="$WORK/idle.db"
  fresh_db "$db"
  repo_add "$db" idle "$IDLE_TREE"
  echo "==> idle: starting the daemon on $(fmt_count "$IDLE_DIRS") directories"
  start_daemon idle "$db" idle 300
  IDLE_STARTUP_MS="$STARTUP_MS"
  echo "    startup (watches + startup sync) $(fmt_ms "$IDLE_STARTUP_MS")"
  sleep 2  # let the startup's allocations and the first discovery settle
  watches="$(proc_watches "$DAEMON_PID")"
  windows=3
  win_s=$(((IDLE_SECONDS + windows - 1) / windows))
  echo "==> idle: measuring for $((win_s * windows)) s ($windows windows of $win_s s)"
  declare -a cpu_pct=() wake_rate=() rss=()
  t_all="$(now_ns)"; k_all="$(proc_ticks "$DAEMON_PID")"
  for ((w = 1; w <= windows; w++)); do
    t_a="$(now_ns)"; k_a="$(proc_ticks "$DAEMON_PID")"; w_a="$(proc_wakeups "$DAEMON_PID")"
    for ((s = 0; s < win_s; s++)); do
      sleep 1
      rss+=("$(proc_kb "$DAEMON_PID" VmRSS)")
    done
    t_b="$(now_ns)"; k_b="$(proc_ticks "$DAEMON_PID")"; w_b="$(proc_wakeups "$DAEMON_PID")"
    cpu_pct+=("$(awk -v k="$((k_b - k_a))" -v hz="$CLK_TCK" -v ns="$((t_b - t_a))" 'BEGIN {printf "%.2f", 100 * k / hz / (ns / 1e9)}')")
    wake_rate+=("$(awk -v n="$((w_b - w_a))" -v ns="$((t_b - t_a))" 'BEGIN {printf "%.0f", n / (ns / 1e9)}')")
    echo "    window $w: CPU ${cpu_pct[-1]}% of a core, ${wake_rate[-1]} wakeups/s, VmRSS $(fmt_kb "${rss[-1]}")"
  done
  t_end="$(now_ns)"; k_end="$(proc_ticks "$DAEMON_PID")"
  IDLE_CPU="$(awk -v k="$((k_end - k_all))" -v hz="$CLK_TCK" -v ns="$((t_end - t_all))" 'BEGIN {printf "%.2f", 100 * k / hz / (ns / 1e9)}')"
  IDLE_RSS="$(maximum "${rss[@]}")"
  IDLE_HWM="$(proc_kb "$DAEMON_PID" VmHWM)"
  stop_daemon
  $DISTURBED && FAILED+=("idle: the daemon was degraded, so not every directory was watched")
  rss_mb="$(awk -v kb="$IDLE_RSS" 'BEGIN {printf "%.1f", kb * 1024 / 1e6}')"
  hwm_mb="$(awk -v kb="$IDLE_HWM" 'BEGIN {printf "%.1f", kb * 1024 / 1e6}')"
  cpu_verdict="$(awk -v x="$IDLE_CPU" 'BEGIN {if (x <= 1) print "met"; else printf "**missed by %.2f points**\n", x - 1}')"
  rss_verdict="$(awk -v x="$rss_mb" 'BEGIN {if (x <= 80) print "met"; else printf "**missed by %.1f MB**\n", x - 80}')"
  RESULT_ROWS+=("| idle: CPU over $((win_s * windows)) s | ${IDLE_CPU}% of a core (windows: ${cpu_pct[*]}) | ≤ 1% | $(fmt_ratio "$IDLE_CPU" 1) | $cpu_verdict |")
  RESULT_ROWS+=("| idle: RSS (max VmRSS) | $rss_mb MB ($(fmt_kb "$IDLE_RSS")) | ≤ 80 MB | $(fmt_ratio "$rss_mb" 80) | $rss_verdict |")
  RESULT_ROWS+=("| idle: peak RSS since start (VmHWM) | $hwm_mb MB | - | - | - |")
  RESULT_ROWS+=("| idle: wakeups | $(median "${wake_rate[@]}")/s | - | - | - |")
  IDLE_CONTEXT="$(fmt_count "$IDLE_DIRS") directories (100 x $(fmt_count "$sub"), one file in each of the 100), $(fmt_count "$watches") inotify watches held by the daemon; startup (watches + startup sync, launch to log line) $(fmt_ms "$IDLE_STARTUP_MS"); measured from 2 s after the startup sync."
  VERDICTS+=("idle, $(fmt_count "$IDLE_DIRS") directories: ≤ 1% CPU|${IDLE_CPU}% of a core|$cpu_verdict")
  VERDICTS+=("idle, $(fmt_count "$IDLE_DIRS") directories: ≤ 80 MB RSS|$rss_mb MB (VmHWM since start $hwm_mb MB)|$rss_verdict")
fi

# --- report ----------------------------------------------------------------------
cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
mem_gib="$(awk '/^MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo 2>/dev/null || true)"
fs="$(df -PT "$BENCH_DIR" | awk 'NR==2 {print $2}')"
context="$(date -u '+%Y-%m-%d %H:%M UTC'), tidemark $rev; $(nproc) cores ($cpu), ${mem_gib} GiB RAM, $(uname -sr), $fs at $BENCH_DIR
\`tidemark watch --debounce ${DEBOUNCE_MS}ms\` on a SQLite catalog, sha256 hashing (the default). Load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)."
[[ -n "${LAT_CONTEXT:-}" ]] && context+=$'\n'"Latency: ${LAT_CONTEXT} The range is lower bound (record created_at) – upper bound (its operation's end_time); the ratio and verdict use the upper bound."
[[ -n "${BURST_CONTEXT:-}" ]] && context+=$'\n'"Burst: ${BURST_CONTEXT}"
[[ -n "${IDLE_CONTEXT:-}" ]] && context+=$'\n'"Idle: ${IDLE_CONTEXT}"
((${#GEN_NOTES[@]} > 0)) && context+=$'\n'"Generation: $(printf '%s; ' "${GEN_NOTES[@]}" | sed 's/; $//')."
((${#DISTURBED_RUNS[@]} > 0)) && context+=$'\n'"Disturbed runs, not counted and run again: $(printf '%s; ' "${DISTURBED_RUNS[@]}" | sed 's/; $//')."
((${#NOTES[@]} > 0)) && context+=$'\n'"$(printf '%s; ' "${NOTES[@]}" | sed 's/; $//')."

table="| measurement | measured (median) | target | ratio | verdict |
|---|---|---|---|---|"
for row in "${RESULT_ROWS[@]}"; do table+=$'\n'"$row"; done
verdicts="| target | measured | verdict |
|---|---|---|"
for v in "${VERDICTS[@]}"; do
  IFS='|' read -r t m d <<<"$v"
  verdicts+=$'\n'"| $t | $m | $d |"
done

echo
echo "$table"
echo
echo "$verdicts"
echo
echo "$context"

mkdir -p "$(dirname "$RESULTS_MD")"
{
  echo "<!-- written by bench/watch_bench.sh; do not edit by hand -->"
  echo "### Real-time daemon benchmark"
  echo
  while IFS= read -r line; do echo "- $line"; done <<<"$context"
  echo
  echo "$table"
  echo
  echo "$verdicts"
} >"$RESULTS_MD"
echo
echo "wrote $RESULTS_MD"

if ((${#FAILED[@]} > 0)); then
  echo >&2
  printf 'watch_bench: FAILED: %s\n' "${FAILED[@]}" >&2
  exit 1
fi
