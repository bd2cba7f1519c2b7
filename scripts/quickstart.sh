#!/usr/bin/env bash
# A first run of tidemark on the embedded default (SQLite, local folders):
# installs and builds it, generates a sample photo library and a demo of
# seed 000's car-photo disk, registers both as repositories, scans them,
# then starts `tidemark serve` (the daemon, the HTTP API and the dashboard)
# and prints its URL. Safe to run again: the samples and repositories are
# reused, and the scans then find no changes.
#
#   scripts/quickstart.sh                  # 20,000 photos, 24 cars, serve on 127.0.0.1:8080
#   SAMPLE_FILES=5000 DEMO_CARS=10 scripts/quickstart.sh
#   LISTEN=127.0.0.1:9090 scripts/quickstart.sh
#   SERVE=forever|check|no scripts/quickstart.sh
#
# SERVE: `forever` (the default in a terminal) serves until Ctrl-C; `check`
# (the default otherwise, e.g. in CI) starts the server, checks that the
# dashboard and the API answer, prints the URL and stops it; `no` skips it.
# When LISTEN's port is taken, the server takes a free one and says which.
set -euo pipefail
cd "$(dirname "$0")/.."

SAMPLE_FILES="${SAMPLE_FILES:-20000}"
DEMO_CARS="${DEMO_CARS:-24}"
LISTEN="${LISTEN:-127.0.0.1:8080}"
if [[ -t 1 ]]; then SERVE="${SERVE:-forever}"; else SERVE="${SERVE:-check}"; fi
case "$SERVE" in forever | check | no) ;; *)
  echo "quickstart: SERVE must be forever, check or no (not '$SERVE')" >&2
  exit 2
  ;;
esac
SAMPLE_DIR=sample
LIBRARY="$SAMPLE_DIR/library"
CARS_ROOT="$SAMPLE_DIR/disk/Фото" # seed 000's root folder
DB="$SAMPLE_DIR/tidemark.db"
TIDEMARK=build/tidemark

heading() { printf '\n== %s\n' "$*"; }
tm() { "$TIDEMARK" --db "$DB" "$@"; }

# quiet LABEL CMD...: runs CMD with its output in a log shown only on failure.
quiet() {
  local label="$1" log rc=0
  shift
  log="$(mktemp -t tidemark-quickstart.XXXXXX)"
  "$@" >"$log" 2>&1 || rc=$?
  if ((rc != 0)); then
    cat "$log" >&2
    echo "quickstart: $label failed (exit $rc); see the output above" >&2
  fi
  rm -f "$log"
  return "$rc"
}

# generated DIR WANT CMD...: runs the generator CMD unless DIR was made by
# the same WANT (a marker beside DIR, never inside it, so tidemark never
# sees it); a different size regenerates.
generated() {
  local dir="$1" want="$2" marker="$1.generated"
  shift 2
  if [[ -f "$marker" && "$(cat "$marker")" == "$want" && -d "$dir" ]]; then
    echo "reusing $dir ($want)"
    return 0
  fi
  rm -rf "$dir" "$marker"
  mkdir -p "$(dirname "$dir")"
  "$@"
  echo "$want" >"$marker"
  regenerated=true
}
regenerated=false

# ensure_repo NAME ROOT [OPTIONS...]: registers NAME unless it is there.
ensure_repo() {
  local name="$1" root="$2" repos
  shift 2
  # Read the whole list first: grep -q closing the pipe early would fail it.
  repos="$(tm repo list --json 2>/dev/null || true)"
  if grep -Eq "\"name\"[[:space:]]*:[[:space:]]*\"$name\"" <<<"$repos"; then
    echo "'$name' is already registered in $DB"
  else
    tm repo add "$name" "$PWD/$root" "$@"
  fi
}

scan() {
  local rc=0
  tm scan "$1" || rc=$?
  case "$rc" in
    0) ;;
    3) echo "quickstart: the scan of '$1' was partial (exit 3); some files could not be read" >&2 ;;
    *)
      echo "quickstart: the scan of '$1' failed (exit $rc)" >&2
      exit "$rc"
      ;;
  esac
}

heading "Dependencies"
./scripts/install-deps.sh

heading "Build (release) and the dashboard"
# Only what this script runs: the test binaries are the test command's.
quiet "the build" ./scripts/build.sh release tidemark tidemark_gen_tree tidemark_gen_cars
echo "built $TIDEMARK"
quiet "the dashboard build" ./scripts/build-web.sh
echo "built build/web (served at / by tidemark serve)"

heading "Sample photo library ($LIBRARY)"
generated "$LIBRARY" "files=$SAMPLE_FILES seed=42 photo-names min=512 max=8192" \
  build/bench/tidemark_gen_tree --root "$LIBRARY" --files "$SAMPLE_FILES" \
  --seed 42 --photo-names --min-size 512 --max-size 8192
echo "e.g.: $(cd "$LIBRARY" && find . -type f -name 'IMG_*' | sort | head -3 | sed 's|^\./||' | paste -sd' ')"

heading "Demo car-photo disk, seed 000 ($CARS_ROOT)"
generated "$CARS_ROOT" "cars=$DEMO_CARS regions=3 seed=42" \
  build/bench/tidemark_gen_cars --root "$CARS_ROOT" --cars "$DEMO_CARS" \
  --regions 3 --seed 42 --quiet
echo "e.g.: $(cd "$CARS_ROOT" && find . -mindepth 2 -maxdepth 2 -type d | sort | head -2 | sed 's|^\./||' | paste -sd',' | sed 's/,/, /')"

heading "Repositories"
if [[ "$regenerated" == true && -f "$DB" ]]; then
  # The sample catalog describes the samples: a new sample starts a new
  # catalog (scanning the old one would rightly pause the mass removal).
  echo "the samples were regenerated: starting a new sample catalog $DB"
  rm -f "$DB" "$DB-wal" "$DB-shm"
fi
ensure_repo photos "$LIBRARY"
ensure_repo cars "$CARS_ROOT" --layout cars
tm repo list

heading "Scan"
scan photos
scan cars

heading "Status"
tm status

heading "First 5 photos, and the first cars"
tm files photos --limit 5
tm cars list cars | head -n 6

if [[ "$SERVE" == no ]]; then
  heading "Next"
  echo "The catalog is $DB. Serve it: $TIDEMARK --db $DB serve"
  exit 0
fi

heading "tidemark serve"
listen="$LISTEN"
port="${LISTEN##*:}"
host="${LISTEN%:*}"
if [[ "$port" != 0 ]] && (exec 3<>"/dev/tcp/${host//[\[\]]/}/$port") 2>/dev/null; then
  echo "$LISTEN is taken; letting the server pick a free port"
  listen="$host:0"
fi
serve_log="$SAMPLE_DIR/serve.log"
# A subshell that becomes the server (exec), so $! is the server itself and
# stopping it stops the server. It first closes every descriptor above 2
# that the caller passed on (a lock held around this script, say), so the
# server holds nothing of the caller's.
(
  for fd in /proc/"$BASHPID"/fd/*; do
    fd="${fd##*/}"
    if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  exec "$TIDEMARK" --db "$DB" serve --listen "$listen"
) </dev/null >"$serve_log" 2>&1 &
serve_pid=$!
stop_server() {
  if kill -0 "$serve_pid" 2>/dev/null; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
}
trap stop_server EXIT
trap 'echo; echo "stopping tidemark serve"; exit 0' INT TERM

url=""
for _ in $(seq 1 200); do
  url="$(sed -n 's|.*listening on \(http://[^ ]*/\) .*|\1|p' "$serve_log" | head -n 1)"
  [[ -n "$url" ]] && break
  if ! kill -0 "$serve_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if [[ -z "$url" ]]; then
  cat "$serve_log" >&2
  echo "quickstart: tidemark serve did not start; its output is above" >&2
  exit 1
fi
# What the API says, from the API itself.
summary="$(curl -fsS "${url}api/v1/repositories" | node -e '
  let s = "";
  process.stdin.on("data", (d) => (s += d)).on("end", () => {
    for (const r of JSON.parse(s).repositories) {
      const layout = r.layout ? `, layout ${r.layout}` : "";
      console.log(`  ${r.name}: ${r.totals.files} files, ${r.state}${layout}`);
    }
  });')"
cars="$(curl -fsS "${url}api/cars" | node -e '
  let s = "";
  process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const j = JSON.parse(s);
    console.log((Array.isArray(j) ? j : j.cars || j.data || []).length);
  });')"
curl -fsS -o /dev/null "$url" || {
  echo "quickstart: the dashboard at $url did not answer" >&2
  exit 1
}

cat <<EOF

tidemark serve is running: $url

  dashboard   $url
  API         ${url}api/v1/repositories   (docs/API.md, ${url}api/v1/openapi.json)
  cars        ${url}api/cars   ($cars cars, seed 000's shapes)
  events      ${url}api/v1/events   (Server-Sent Events)
  metrics     ${url}metrics

The API says:
$summary

Its log is $serve_log. While it serves, add a file and see it catalogued:
  echo hello >$LIBRARY/hello.txt; sleep 1; curl -s ${url}api/v1/repositories/photos/files/hello.txt
EOF

if [[ "$SERVE" == check ]]; then
  echo
  echo "(SERVE=check: stopping the server now. In a terminal it keeps serving;"
  echo " or run it yourself: $TIDEMARK --db $DB serve)"
  exit 0
fi
echo
echo "Serving until Ctrl-C."
wait "$serve_pid"
