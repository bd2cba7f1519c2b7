#!/usr/bin/env bash
# The README's main command, checked the way a user runs it: the quick
# start with small samples, outside a terminal (SERVE=check: it starts
# tidemark serve, asks the API and the dashboard, and stops it). Passes when
# it exits 0, printed the server's URL and what the API says of both demo
# repositories, and left no server running. Ends with "N passed, N failed".
#   scripts/test-quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."

out="$(mktemp -t tidemark-quickstart-test.XXXXXX)"
trap 'rm -f "$out"' EXIT
failures=()
rc=0
SERVE=check SAMPLE_FILES=1000 DEMO_CARS=4 ./scripts/quickstart.sh >"$out" 2>&1 </dev/null || rc=$?
((rc == 0)) || failures+=("the quick start exited $rc")
grep -Eq '^tidemark serve is running: http://127\.0\.0\.1:[0-9]+/$' "$out" ||
  failures+=("it printed no 'tidemark serve is running: URL' line")
grep -Eq '^  photos: 1000 files, online$' "$out" ||
  failures+=("the API did not report the photos repository with its 1,000 files")
grep -Eq '^  cars: [0-9]+ files, online, layout cars$' "$out" ||
  failures+=("the API did not report the cars repository with its layout")
grep -Eq '\(4 cars, seed 000' "$out" || failures+=("/api/cars did not list the 4 demo cars")
# The server it started must be gone (it once outlived the script).
sleep 0.5
if pgrep -f "sample/tidemark.db serve" >/dev/null; then
  failures+=("a tidemark serve of the sample catalog is still running: $(pgrep -af 'sample/tidemark.db serve' | head -1)")
  pkill -f "sample/tidemark.db serve" || true
fi

if ((${#failures[@]} > 0)); then
  cat "$out"
  printf 'FAILED: quickstart: %s\n' "${failures[@]}"
  echo "0 passed, 1 failed"
  exit 1
fi
sed -n '/^tidemark serve is running/,/^  photos/p' "$out"
echo "1 passed, 0 failed"
