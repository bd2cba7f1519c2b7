# Shell helpers shared by the benchmarks in bench/ (sourced, not run).
# The caller sets WORK, RUNSTAT, GEN, SEED and BENCH_DIR and a GEN_NOTES
# array before using measure or ensure_tree, and defines die().

# json_num KEY [FILE]: the first numeric value of "KEY" in a JSON text.
json_num() {
  grep -oE "\"$1\"[[:space:]]*:[[:space:]]*-?[0-9.]+" "${2:--}" | head -n 1 | grep -oE -- '-?[0-9.]+$' || true
}
json_str() {
  grep -oE "\"$1\"[[:space:]]*:[[:space:]]*\"[^\"]*\"" "${2:--}" | head -n 1 | sed -E 's/.*"([^"]*)"$/\1/' || true
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
maximum() { printf '%s\n' "$@" | sort -g | tail -n 1; }
fmt_ms() { awk -v ms="$1" 'BEGIN {if (ms >= 10000) printf "%.1f s", ms/1000; else if (ms >= 1000) printf "%.2f s", ms/1000; else printf "%.0f ms", ms}'; }
fmt_rate() { awk -v n="$1" -v ms="$2" 'BEGIN {if (ms <= 0) {print "-"; exit} r = n/(ms/1000); if (r >= 1e6) printf "%.2fM", r/1e6; else if (r >= 1e3) printf "%.0fk", r/1e3; else printf "%.0f", r}'; }
fmt_kb() { awk -v kb="$1" 'BEGIN {if (kb >= 1048576) printf "%.2f GiB", kb/1048576; else printf "%.0f MiB", kb/1024}'; }
fmt_ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b <= 0) print "-"; else printf "%.2fx", a/b}'; }
fmt_count() { awk -v n="$1" 'BEGIN {s = sprintf("%d", n); out = ""; while (length(s) > 3) {out = "," substr(s, length(s)-2) out; s = substr(s, 1, length(s)-3)} print s out}'; }

# measure LABEL QUIET CMD...: one timed run. Leaves the report in
# LAST_WALL_MS / LAST_RSS_KB; the command's stdout goes to $WORK/LABEL.out
# (or nowhere when QUIET=quiet) and its stderr to $WORK/LABEL.err.
measure() {
  local label="$1" quiet="$2"
  shift 2
  local stats="$WORK/$label.stat" out="$WORK/$label.out" err="$WORK/$label.err" rc=0
  rm -f "$stats"
  local flags=(--json-out "$stats")
  [[ "$quiet" == quiet ]] && flags+=(--quiet)
  "$RUNSTAT" "${flags[@]}" -- "$@" >"$out" 2>"$err" || rc=$?
  if [[ ! -s "$stats" ]]; then
    cat "$err" >&2
    die "$label: tidemark_runstat reported nothing"
  fi
  LAST_WALL_MS="$(json_num wall_ms "$stats")"
  LAST_RSS_KB="$(json_num max_rss_kb "$stats")"
  if ((rc != 0)); then
    echo "scan_bench: $label exited with $rc: $*" >&2
    tail -n 20 "$err" >&2
    return "$rc"
  fi
}

# ensure_tree DIR FILES MAX_SIZE [MIN_SIZE [DEPTH]]: generate unless a
# complete tree with these parameters is already there (MIN_SIZE defaults to
# 0, DEPTH to 3 folder levels of fanout 100). The marker sits beside the
# tree, never inside.
ensure_tree() {
  local dir="$1" files="$2" max="$3" min="${4:-0}" depth="${5:-3}"
  local marker="$dir.generated" want="files=$files seed=$SEED min=$min max=$max fanout=100 depth=$depth"
  if [[ -d "$dir" && -f "$marker" && "$(head -n 1 "$marker")" == "$want" ]]; then
    echo "==> reusing $dir ($files files)"
    return
  fi
  rm -rf "$dir" "$marker"
  # Files of at most 4 KiB take one block each; leave room for the databases.
  local need_kb=$((files * 5 + 1048576)) avail_kb avail_inodes
  avail_kb="$(df -Pk "$BENCH_DIR" | awk 'NR==2 {print $4}')"
  if [[ -n "$avail_kb" ]] && ((avail_kb < need_kb)); then
    die "not enough space in $BENCH_DIR for $files files: $((avail_kb / 1024)) MiB free, about $((need_kb / 1024)) MiB needed (set BENCH_DIR or --dir)"
  fi
  avail_inodes="$(df -Pi "$BENCH_DIR" | awk 'NR==2 {print $4}')"
  if [[ "$avail_inodes" =~ ^[0-9]+$ ]] && ((avail_inodes > 0 && avail_inodes < files + files / 50 + 1000)); then
    die "not enough inodes in $BENCH_DIR for $files files ($avail_inodes free)"
  fi
  echo "==> generating $files files in $dir"
  measure "gen-$(basename "$dir")" quiet "$GEN" --root "$dir" --files "$files" --seed "$SEED" \
    --min-size "$min" --max-size "$max" --fanout 100 --depth "$depth" ||
    die "tidemark_gen_tree failed for $dir"
  GEN_NOTES+=("generated $(fmt_count "$files") files in $(fmt_ms "$LAST_WALL_MS") ($(fmt_rate "$files" "$LAST_WALL_MS") files/s)")
  echo "    $(fmt_ms "$LAST_WALL_MS")"
  printf '%s\n' "$want" >"$marker"
}

warm() {
  find "$1" -printf '%s %T@ %p\n' >/dev/null
  find "$1" -printf '%s %T@ %p\n' >/dev/null
}

