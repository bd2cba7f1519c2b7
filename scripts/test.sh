#!/usr/bin/env bash
# THE test command (CI runs it through .ci/run):
#   1. install the Debian dependencies (no-op when present),
#   2. build Release in build/ and run every test, integration included,
#   3. build ASan+UBSan in build-asan/ and run the unit tests there
#      (everything without the ctest label "integration").
# Both test runs use a throwaway PostgreSQL cluster on 127.0.0.1
# (scripts/pg-test-cluster.sh), started before the first run and stopped on
# exit, also on failure; TIDEMARK_TEST_PG_URL tells the tests where it is.
# A TIDEMARK_TEST_PG_URL already set is used as it is, without a cluster.
# Fails when any test fails, when a build has no tests, and, with CI=true,
# when any test was skipped: CI runs every integration test, so a skip there
# means something is missing. Ends with one line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

# Tests run this many at a time (TIDEMARK_TEST_JOBS overrides it). Most of
# them wait (timers, inotify, PostgreSQL) far more than they compute: at -j2
# the release run took about 70 CPU seconds in 300 s. The integration tests
# run the multi-threaded daemon and count as 2 each (PROCESSORS in
# tests/integration), so no more of them run at once than at -j2.
JOBS="${TIDEMARK_TEST_JOBS:-4}"
# Tests that set no TIMEOUT property get this many seconds before ctest kills
# them, so one hung test cannot eat the whole CI budget.
DEFAULT_TEST_TIMEOUT=300

ci=false
case "${CI:-}" in true | TRUE | True | 1 | yes) ci=true ;; esac

logdir="$(mktemp -d -t tidemark-test.XXXXXX)"
pg_dir=""
cleanup() {
  if [[ -n "$pg_dir" ]]; then
    ./scripts/pg-test-cluster.sh stop "$pg_dir" || true
  fi
  rm -rf "$logdir"
}
trap cleanup EXIT

total_passed=0
total_failed=0
total_skipped=0
failures=()

# run_ctest NAME BUILD_DIR [CTEST_ARGS...]: runs ctest with its usual output,
# then counts the per-test result lines it printed.
run_ctest() {
  local name="$1" dir="$2"
  shift 2
  local log="$logdir/$name.log" junit="$logdir/$name.xml" rc=0
  echo "==> ctest $name ($dir)"
  ctest --test-dir "$dir" --output-on-failure -j"$JOBS" --no-tests=error \
    --timeout "$DEFAULT_TEST_TIMEOUT" --test-output-size-passed 1048576 \
    --output-junit "$junit" "$@" 2>&1 | tee "$log" || rc=$?

  # One line per test: "12/40 Test #12: name ....   Passed   0.01 sec".
  local results passed skipped failed
  results="$(grep -E '^ *[0-9]+/[0-9]+ +Test +#[0-9]+: ' "$log" || true)"
  passed="$(grep -cE ' Passed +[0-9.]+ sec' <<<"$results" || true)"
  skipped="$(grep -cE '\*\*\*(Skipped|Not Run \(Disabled\))' <<<"$results" || true)"
  failed="$(grep -vE ' Passed +[0-9.]+ sec|\*\*\*(Skipped|Not Run \(Disabled\))' <<<"$results" |
    grep -c . || true)"

  # A GoogleTest binary registered as one ctest test (not discovered) still
  # reports "Passed" when some of its cases called GTEST_SKIP; its output,
  # kept in the JUnit file, says so. List "ctest-test: gtest-case" pairs.
  local hidden="" hidden_skips=0
  if [[ -f "$junit" ]]; then
    hidden="$(awk '
      /<testcase / {
        run = ($0 ~ /status="run"/)
        name = $0; sub(/.*<testcase name="/, "", name); sub(/".*/, "", name)
      }
      run {
        line = $0; sub(/^[ \t]*<system-out>/, "", line)
        if (line ~ /^\[  SKIPPED \] [^0-9]/) {
          split(line, f, " "); key = name ": " f[4]
          if (!(key in seen)) { seen[key] = 1; print key }
        }
      }' "$junit")"
    hidden_skips="$(cut -d: -f1 <<<"$hidden" | sort -u | grep -c . || true)"
  fi

  if ((rc != 0 && failed == 0)); then
    # ctest failed without a failed test line (no tests, bad args, crash).
    failed=1
  fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  total_skipped=$((total_skipped + skipped))
  if ((failed > 0)); then
    failures+=("$name: $failed failed")
  fi
  if ((skipped + hidden_skips > 0)); then
    echo "==> $name: $skipped test(s) skipped, $hidden_skips passing test(s) with skipped GoogleTest cases:"
    grep -E '\*\*\*(Skipped|Not Run \(Disabled\))' <<<"$results" || true
    # shellcheck disable=SC2001  # indent every line
    if [[ -n "$hidden" ]]; then sed 's/^/    /' <<<"$hidden"; fi
    if [[ "$ci" == true ]]; then
      failures+=("$name: $((skipped + hidden_skips)) skipped (a skip is a failure when CI=true)")
      total_failed=$((total_failed + skipped + hidden_skips))
      total_passed=$((total_passed - hidden_skips))
    else
      total_skipped=$((total_skipped + hidden_skips))
    fi
  fi
}

summary() { echo "$total_passed passed, $total_failed failed"; }

# Starts the PostgreSQL test cluster and exports its variables. Without it
# the PostgreSQL tests skip, which CI counts as failures; with CI=true the
# reason is also recorded here so the summary says it first.
start_postgres() {
  if [[ -n "${TIDEMARK_TEST_PG_URL:-}" ]]; then
    echo "==> PostgreSQL: using TIDEMARK_TEST_PG_URL from the environment"
    return 0
  fi
  echo "==> PostgreSQL: starting a throwaway test cluster"
  local exports
  if exports="$(./scripts/pg-test-cluster.sh start)"; then
    eval "$exports"
    pg_dir="$TIDEMARK_TEST_PG_DIR"
    echo "==> PostgreSQL: $TIDEMARK_TEST_PG_DIR (${TIDEMARK_TEST_PG_URL##*@})"
  else
    echo "==> PostgreSQL: the test cluster did not start; its tests will skip"
    if [[ "$ci" == true ]]; then
      failures+=("postgres: the test cluster did not start (see above)")
    fi
  fi
}

build_or_fail() {
  if ! ./scripts/build.sh "$1"; then
    echo
    echo "FAILED: the $1 build did not succeed (see the compiler output above)"
    summary
    exit 1
  fi
}

./scripts/install-deps.sh
build_or_fail release
start_postgres
run_ctest release build
# The dashboard in headless Chromium against the real `tidemark serve`
# (tests/web; it builds the bundle and fails, not skips, with CI=true).
echo "==> dashboard end-to-end tests (tests/web)"
if web_out="$(./scripts/test-web.sh 2>&1)"; then
  echo "$web_out" | tail -n 15
else
  echo "$web_out" | tail -n 60
  failures+=("web: dashboard end-to-end tests failed (see above)")
fi
web_pass="$(echo "$web_out" | sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' | tail -n 1)"
web_fail="$(echo "$web_out" | sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' | tail -n 1)"
total_passed=$((total_passed + ${web_pass:-0}))
total_failed=$((total_failed + ${web_fail:-0}))
if [[ -z "$web_pass" && -z "$web_fail" ]] && ((${#failures[@]} > 0)); then
  total_failed=$((total_failed + 1))
fi
# The README's main command, as a user runs it (small samples, SERVE=check).
echo "==> the quick start (scripts/test-quickstart.sh)"
if qs_out="$(./scripts/test-quickstart.sh 2>&1)"; then
  echo "$qs_out" | tail -n 12
  total_passed=$((total_passed + 1))
else
  echo "$qs_out" | tail -n 60
  failures+=("quickstart: the README's main command failed (see above)")
  total_failed=$((total_failed + 1))
fi
build_or_fail asan
run_ctest asan build-asan -LE integration

echo
if ((${#failures[@]} > 0)); then
  printf 'FAILED: %s\n' "${failures[@]}"
fi
if ((total_skipped > 0)) && [[ "$ci" != true ]]; then
  echo "note: $total_skipped test(s) skipped (they would fail with CI=true)"
fi
summary
((${#failures[@]} == 0))
