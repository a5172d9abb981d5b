#!/usr/bin/env bash
# Scale measurements on synthetic corpora (`shisaku synth`), one row per size:
# index build time (search index and related links apart), index size on
# disk, opening time, overlap report time, in-process search p50/p99
# (uncached, `bench --no-build`) and server RSS after a short wrk run.
#
#   scripts/scale.sh 10000 100000            # full builds
#   scripts/scale.sh --no-links 1000000      # search index only (links skipped)
#   scripts/scale.sh --reuse 1000000         # measure an index built before
#
# Options: --bin PATH [target/release/shisaku], --dir DIR [target/synth],
# --no-links (build without related links), --reuse (keep DIR/<size>/index
# and its build log from an earlier run; measure the rest), --rounds N [20] (bench rounds),
# --wrk D [10s] (wrk run before reading the server's RSS).
# Results are appended to DIR/scale.md; raw logs stay in DIR/<size>/.
set -euo pipefail

BIN=target/release/shisaku
DIR=target/synth
LINKS=1
REUSE=0
ROUNDS=20
WRK=10s
SIZES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --no-links) LINKS=0; shift ;;
    --reuse) REUSE=1; shift ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --wrk) WRK="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) SIZES+=("$1"); shift ;;
  esac
done
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$DIR"
OUT="$DIR/scale.md"
[ -f "$OUT" ] || {
  echo "| measures | links | import+index s | of which index s | measures/s (import+index) | links s | index MiB | links MiB | build peak RSS MiB | open s | overlaps + first page s (pairs, clusters) | every pair as CSV s | search p50 ms | search p99 ms | server RSS MiB after wrk | load avg |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} >"$OUT"

PORT=18181
# the load test's requests, for the wrk run before reading the server's RSS
PATHS="$DIR/paths.txt"
python3 "$HERE/loadtest_paths.py" shisaku <"$HERE/loadtest-queries.tsv" >"$PATHS"
for n in "${SIZES[@]}"; do
  d="$DIR/$n"
  if [ ! -f "$d/manifest.toml" ]; then
    "$BIN" synth --measures "$n" --out "$d" 2>>"$d.synth.log"
  fi
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  if [ "$REUSE" = 1 ] && [ -f "$d/index/CURRENT" ] && grep -q '^indexed' "$d/index.log" 2>/dev/null; then
    # the wall time of the earlier build: its log's elapsed time
    wall_s=$(awk '/Elapsed \(wall clock\)/ {n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$d/index.log")
    t0=0
    t1=$wall_s
  else
    rm -rf "$d/index"
    flags=()
    [ "$LINKS" = 1 ] || flags=(--no-links)
    t0=$(date +%s.%N)
    /usr/bin/time -v "$BIN" --manifest "$d/manifest.toml" --index "$d/index" index "${flags[@]}" >"$d/index.log" 2>&1
    t1=$(date +%s.%N)
  fi
  line=$(grep '^indexed' "$d/index.log")
  idx_s=$(sed -n 's/.*(index \([0-9.]*\) s.*/\1/p' <<<"$line")
  links_s=$(sed -n 's/.*related links \([0-9.]*\) s[:)].*/\1/p' <<<"$line")
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
  import_index=$(awk -v w="$wall" -v l="$links_s" 'BEGIN {printf "%.1f", w - l}')
  rate=$(awk -v n="$n" -v s="$import_index" 'BEGIN {printf "%.0f", n / s}')
  peak=$(awk '/Maximum resident/ {printf "%.0f", $6/1024}' "$d/index.log")
  gen=$(ls -d "$d"/index/gen-* | head -1)
  links_mib=0
  if [ -f "$gen/related.links" ]; then
    links_mib=$(du -sm "$gen/related.links" | cut -f1)
  fi
  all_mib=$(du -sm "$gen" | cut -f1)
  index_mib=$((all_mib - links_mib))
  "$BIN" --index "$d/index" bench --no-build --rounds "$ROUNDS" --json >"$d/bench.json"
  read -r open_s overlap_s pairs clusters csv_s p50 p99 < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
s = r["search"]
print("%.2f %.2f %d %d %.2f %.2f %.2f" % (r["open_seconds"], r["overlap_seconds"], r["overlap_pairs"], r["overlap_clusters"], r["overlap_csv_seconds"], s["p50_ms"], s["p99_ms"]))
' "$d/bench.json")
  "$BIN" --index "$d/index" serve --addr "127.0.0.1:$PORT" --watch-seconds 0 >"$d/serve.log" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited, see $d/serve.log" >&2; exit 1; }
    sleep 0.2
  done
  LOADTEST_PATHS="$PATHS" wrk -t2 -c8 -d"$WRK" -s "$HERE/loadtest.lua" "http://127.0.0.1:$PORT" >"$d/wrk.log" 2>&1 || true
  rss=$(awk '/^VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s (%s, %s) | %s | %s | %s | %s | %s |\n' \
    "$n" "$([ "$LINKS" = 1 ] && echo yes || echo skipped)" "$import_index" "$idx_s" "$rate" "${links_s:-0}" \
    "$index_mib" "$links_mib" "$peak" "$open_s" "$overlap_s" "$pairs" "$clusters" "$csv_s" "$p50" "$p99" "$rss" "$load" | tee -a "$OUT"
done
