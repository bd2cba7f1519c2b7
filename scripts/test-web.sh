#!/usr/bin/env bash
# The HTTP end-to-end tests (tests/web): the real tidemark binary serving
# the API (tests/web/api/) and the built dashboard, driven by Debian's
# chromium through playwright-core (which downloads no browser).
#   scripts/test-web.sh
# Environment: TIDEMARK_BIN (default build/tidemark), TIDEMARK_WEB_ROOT
# (default build/web, built here when it is the default), CHROMIUM (default
# /usr/bin/chromium). Builds the dashboard, installs the test packages
# (npm ci, when needed), type-checks the dashboard, runs the tests. Without
# the binary or the browser it skips, except with CI=true, where that fails.
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
case "${CI:-}" in true | TRUE | True | 1 | yes) ci=true ;; esac

# missing WHAT: fails with CI=true, else skips the whole run.
missing() {
  if [[ "$ci" == true ]]; then
    echo "FAILED: test-web: $* (CI=true: a missing prerequisite is a failure)" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "test-web: SKIPPED: $*"
  exit 0
}

command -v node >/dev/null 2>&1 || missing "node is not installed (apt-get install -y nodejs npm)"
command -v npm >/dev/null 2>&1 || missing "npm is not installed (apt-get install -y npm)"

export TIDEMARK_BIN="${TIDEMARK_BIN:-build/tidemark}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [[ ! -x "$CHROMIUM" && "$CHROMIUM" == /usr/bin/chromium && "$(id -u)" -eq 0 ]] &&
  command -v apt-get >/dev/null 2>&1; then
  echo "==> installing Debian's chromium"
  log="$(mktemp -t tidemark-chromium.XXXXXX.log)"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium ||
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; }; } >"$log" 2>&1; then
    cat "$log" >&2
  fi
  rm -f "$log"
fi
[[ -x "$CHROMIUM" ]] || missing "no browser at $CHROMIUM (apt-get install -y chromium)"
[[ -x "$TIDEMARK_BIN" ]] || missing "no tidemark binary at $TIDEMARK_BIN (scripts/build.sh builds it)"

if [[ -z "${TIDEMARK_WEB_ROOT:-}" ]]; then
  ./scripts/build-web.sh
else
  [[ -f "$TIDEMARK_WEB_ROOT/index.html" ]] || missing "no dashboard at $TIDEMARK_WEB_ROOT"
fi
echo "==> type-check the dashboard"
(cd web && node node_modules/typescript/bin/tsc --noEmit -p .) || {
  echo "FAILED: test-web: the dashboard does not type-check (see above)" >&2
  echo "0 passed, 1 failed"
  exit 1
}

./scripts/build-web.sh --deps tests/web
mkdir -p build/test-artifacts
echo "==> node --test tests/web (the dashboard, and the API in api/)"
cd tests/web
shopt -s nullglob
exec node --test --test-reporter=spec dashboard.test.mjs api/*.test.mjs
