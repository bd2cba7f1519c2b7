#!/usr/bin/env bash
# Configures and builds tidemark with CMake + Ninja.
#   scripts/build.sh [release|asan] [TARGET...]
#   release (default) -> build/      Release, warnings are errors
#   asan              -> build-asan/ Debug with ASan+UBSan, no benchmarks and
#                        no integration tests (test.sh runs the unit tests there)
# With TARGETs only those are built (scan_bench.sh builds just what it runs).
# TIDEMARK_UNITY=ON|OFF: a unity build (a few .cc files of a target compiled
# as one): much faster from scratch, slower to rebuild after a one-file
# change. Default ON for asan (only test.sh uses it) and, when CI=true (a
# fresh clone always builds from scratch), for release; otherwise release
# keeps what its build dir has (OFF for a new one).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-release}"
shift || true
targets=("$@")
case "$mode" in
  release)
    dir=build
    flags=(-DCMAKE_BUILD_TYPE=Release -DTIDEMARK_WERROR=ON)
    ;;
  asan)
    dir=build-asan
    flags=(-DCMAKE_BUILD_TYPE=Debug -DTIDEMARK_SANITIZE=ON -DTIDEMARK_WERROR=ON
           -DTIDEMARK_BUILD_BENCH=OFF -DTIDEMARK_BUILD_INTEGRATION_TESTS=OFF)
    ;;
  -h|--help)
    echo "usage: $0 [release|asan] [TARGET...]"
    exit 0
    ;;
  *)
    echo "usage: $0 [release|asan] [TARGET...]" >&2
    exit 2
    ;;
esac

unity="${TIDEMARK_UNITY:-}"
if [[ -z "$unity" && "$mode" == asan ]]; then
  unity=ON
elif [[ -z "$unity" ]]; then
  case "${CI:-}" in true | TRUE | True | 1 | yes) unity=ON ;; esac
fi
if [[ -n "$unity" ]]; then
  flags+=(-DCMAKE_UNITY_BUILD="$unity")
fi

# A build dir configured with another generator makes CMake refuse; such a
# dir holds only build output, so start it afresh.
if [[ -f "$dir/CMakeCache.txt" ]] &&
   ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
  echo "==> $dir was configured with another generator; reconfiguring it for Ninja"
  rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
fi

jobs="$(nproc 2>/dev/null || echo 2)"
echo "==> configure $mode ($dir)"
cmake -S . -B "$dir" -G Ninja "${flags[@]}"
echo "==> build $mode ($dir, -j$jobs${targets[*]:+, targets: ${targets[*]}})"
if ((${#targets[@]} > 0)); then
  cmake --build "$dir" -j "$jobs" --target "${targets[@]}"
else
  cmake --build "$dir" -j "$jobs"
fi
