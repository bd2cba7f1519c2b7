#!/usr/bin/env bash
# Builds the dashboard (web/) into a static folder that `tidemark serve`
# serves at / (--web-root, or [serve] web_root).
#   scripts/build-web.sh            -> build/web
#   OUT=DIR scripts/build-web.sh    -> DIR (relative paths: from the repo root)
# Installs web/'s npm packages with `npm ci` only when web/node_modules is
# missing or package-lock.json changed since the last install; the build
# itself is offline (no CDN, no web fonts) and safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
  echo "build-web: $*" >&2
  exit 1
}

command -v node >/dev/null 2>&1 ||
  die "node is not installed; install Node.js 18 or newer (Debian: apt-get install -y nodejs npm)"
command -v npm >/dev/null 2>&1 ||
  die "npm is not installed; install it (Debian: apt-get install -y npm)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 18)) || die "node $(node --version) is too old; the dashboard needs Node.js 18 or newer"

# npm_ci DIR: `npm ci` in DIR unless its node_modules was installed from
# the same lockfile (a hash kept in node_modules/.tidemark-lock).
npm_ci() {
  local dir="$1" stamp="$1/node_modules/.tidemark-lock" want
  [[ -f "$dir/package-lock.json" ]] || die "$dir/package-lock.json is missing"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  echo "==> npm ci ($dir)"
  # --ignore-scripts: nothing here needs an install script (esbuild finds
  # its platform binary package without one).
  if ! (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
    die "npm ci failed in $dir (is the npm registry reachable? see above)"
  fi
  echo "$want" >"$stamp"
}

if [[ "${1:-}" == "--deps" ]]; then
  # scripts/build-web.sh --deps DIR: only the install step, for test-web.sh.
  npm_ci "${2:?usage: $0 --deps DIR}"
  exit 0
fi

npm_ci web
export OUT="${OUT:-build/web}"
echo "==> build the dashboard ($OUT)"
node web/build.mjs || die "the dashboard build failed (see above)"
