#!/usr/bin/env bash
# Installs the Debian packages tidemark needs to build, test and benchmark.
# Idempotent: when every package is already installed it does not touch apt.
# Needs root or sudo only when something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsqlite3-dev sqlite3 libssl-dev
  libpq-dev
  postgresql   # server for the throwaway test cluster (scripts/pg-test-cluster.sh)
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev libxxhash-dev
  libcpp-httplib-dev   # the HTTP server of `tidemark serve`
  chromium   # the dashboard's build and end-to-end tests (tests/web)
  libgtest-dev libgmock-dev libbenchmark-dev
  rclone clang-format
  wrk   # HTTP load generator of bench/serve_bench.sh
  util-linux   # setpriv, used by tests that drop privileges
  libcap2-bin
  curl   # scripts/quickstart.sh asks the API it started
  ccache   # rebuilds after a change, and other checkouts of the tree
)
# Node.js builds the dashboard (web/) and runs its and the API's end-to-end
# tests (tests/web). Debian's packages only when the commands are missing:
# a machine may have Node.js from elsewhere (with its own npm), which
# Debian's npm package would conflict with.
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)"
  # "ii " means installed and configured; anything else needs apt.
  if [[ "$status" != ii* ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
elif command -v sudo >/dev/null 2>&1 && [[ -t 0 ]]; then
  echo "install-deps: installing ${missing[*]} with sudo (may ask for your password)"
  SUDO=(sudo)
else
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: need root or passwordless sudo to install them. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

log="$(mktemp -t tidemark-install-deps.XXXXXX.log)"
trap 'rm -f "$log"' EXIT

export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get update -q >"$log" 2>&1 ||
   ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
  cat "$log" >&2
  echo "install-deps: apt-get failed while installing: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installed ${missing[*]}"
