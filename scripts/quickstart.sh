#!/usr/bin/env bash
# A first run of tidemark on the embedded default (SQLite, a local folder):
# builds it, generates a sample photo library, registers it as a repository,
# scans it and shows what the catalog now knows. Safe to run again: the
# library and the repository are reused, and the scan then finds no changes.
#
#   scripts/quickstart.sh            # 20,000 sample files
#   SAMPLE_FILES=5000 scripts/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SAMPLE_FILES="${SAMPLE_FILES:-20000}"
SAMPLE_DIR=sample
LIBRARY="$SAMPLE_DIR/library"
DB="$SAMPLE_DIR/tidemark.db"
TIDEMARK=build/tidemark
GEN=build/bench/tidemark_gen_tree
REPO=photos

heading() { printf '\n== %s\n' "$*"; }

heading "Dependencies"
./scripts/install-deps.sh

heading "Build (release)"
build_log="$(mktemp -t tidemark-quickstart-build.XXXXXX)"
trap 'rm -f "$build_log"' EXIT
if ! ./scripts/build.sh release >"$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "quickstart: the build failed; see the output above" >&2
  exit 1
fi
echo "built $TIDEMARK"

heading "Sample library ($LIBRARY)"
# The marker sits beside the library, not in it, so tidemark never sees it;
# it records what was generated so that a different size regenerates.
marker="$SAMPLE_DIR/library.generated"
want="files=$SAMPLE_FILES seed=42 photo-names min=512 max=8192"
if [[ -f "$marker" && "$(cat "$marker")" == "$want" && -d "$LIBRARY" ]]; then
  echo "reusing $LIBRARY ($want)"
else
  rm -rf "$LIBRARY" "$marker"
  mkdir -p "$SAMPLE_DIR"
  "$GEN" --root "$LIBRARY" --files "$SAMPLE_FILES" --seed 42 --photo-names \
    --min-size 512 --max-size 8192
  echo "$want" >"$marker"
fi
echo "e.g.: $(cd "$LIBRARY" && find . -type f -name 'IMG_*' | sort | head -3 | sed 's|^\./||' | paste -sd' ')"

tm() { "$TIDEMARK" --db "$DB" "$@"; }

heading "Repository '$REPO'"
# Read the whole list first: grep -q closing the pipe early would fail it.
repos="$(tm repo list --json 2>/dev/null || true)"
if grep -Eq "\"name\"[[:space:]]*:[[:space:]]*\"$REPO\"" <<<"$repos"; then
  echo "'$REPO' is already registered in $DB"
else
  tm repo add "$REPO" "$PWD/$LIBRARY"
fi
tm repo list

heading "Scan"
rc=0
tm scan "$REPO" || rc=$?
case "$rc" in
  0) ;;
  3) echo "quickstart: the scan was partial (exit 3); some files could not be read" >&2 ;;
  *)
    echo "quickstart: the scan failed (exit $rc)" >&2
    exit "$rc"
    ;;
esac

heading "Status"
tm status "$REPO"

heading "First 10 files"
tm files "$REPO" --limit 10

heading "Recent scans"
tm history "$REPO" --limit 5

heading "Next"
cat <<EOF
The catalog is $DB. Try:
  $TIDEMARK --db $DB files $REPO --prefix 2024/ --limit 5
  touch $LIBRARY/2024/12/*.jpg && $TIDEMARK --db $DB scan $REPO
EOF
