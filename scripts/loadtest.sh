#!/usr/bin/env bash
# Load test of GET /api/search with wrk (Debian package `wrk`), and of
# Groonga 13 (Debian package `groonga-bin`) answering the same questions.
#
# Rotates through the fixed list of realistic queries in
# scripts/loadtest-queries.tsv (facets and snippets are always on in
# /api/search) and reports requests/s and p50/p90/p99 latency at each
# connection count, with keep-alive and with `Connection: close`, for each mode:
#   cached            shisaku as shipped (its response cache on)
#   uncached          shisaku with SHISAKU_SEARCH_CACHE=0: every request runs
#                     the full search (the honest engine number)
#   groonga           Groonga's HTTP server over the same measures
#                     (scripts/groonga_load.py), the same queries as selects
#                     with drilldowns on the nine facets and highlighted
#                     snippets (scripts/loadtest_paths.py); its query cache on,
#                     as shipped
#   groonga-uncached  the same with cache=no on every select
# Modes run in the order given, so `--modes "cached groonga cached groonga"`
# alternates the two servers under the same conditions.
#
#   scripts/loadtest.sh                          # starts target/release/shisaku serve on 127.0.0.1:18080
#   scripts/loadtest.sh --manifest target/synth/100k/manifest.toml --index target/synth/100k/index
#   scripts/loadtest.sh --url http://127.0.0.1:8080   # a running server (cache as it is configured)
#
# Options (defaults in brackets):
#   --url URL           use a running server instead of starting one; only one
#                       cache mode is measured (whatever the server runs with)
#   --bin PATH          shisaku binary [target/release/shisaku]
#   --manifest PATH     [seeds/manifest.toml]   --index DIR  [index]
#                       (serve builds the index first if DIR has none)
#   --port N            port for the started server [18080]
#   --duration D        wrk duration per run [10s]   --warmup D  [3s]
#   --connections "N…"  [2 64]
#   --threads N         wrk threads [2]
#   --modes "…"         servers to start and measure, in order [cached uncached]
#   --groonga-threads N Groonga's --max-threads [2, its default]
#   --out DIR           raw wrk output and the summary [target/loadtest]
#
# The client (wrk) and the server share the machine: on a 2-core host the
# numbers include wrk's own CPU use. The load average is printed before each
# run so that other work on the machine shows up next to the numbers, and for
# a started server its CPU time per request (utime+stime from /proc), which
# does not depend on how busy the machine is.
set -euo pipefail

URL=""
BIN=target/release/shisaku
MANIFEST=seeds/manifest.toml
INDEX=index
PORT=18080
DURATION=10s
WARMUP=3s
CONNS="2 64"
THREADS=2
MODES="cached uncached"
GROONGA_THREADS=2
OUT=target/loadtest

while [ $# -gt 0 ]; do
  case "$1" in
    --url) URL="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    --manifest) MANIFEST="$2"; shift 2 ;;
    --index) INDEX="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --connections) CONNS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --modes) MODES="$2"; shift 2 ;;
    --groonga-threads) GROONGA_THREADS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

HERE=$(cd "$(dirname "$0")" && pwd)
LUA="$HERE/loadtest.lua"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is not installed" >&2; exit 1; }
case " $MODES " in
  *" groonga"*) command -v groonga >/dev/null ||
    { echo "groonga is not installed (apt-get install -y groonga-bin)" >&2; exit 1; } ;;
esac
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# the request paths of each server, made from the one list of queries
python3 "$HERE/loadtest_paths.py" shisaku <"$HERE/loadtest-queries.tsv" >"$OUT/paths-shisaku.txt"
python3 "$HERE/loadtest_paths.py" groonga <"$HERE/loadtest-queries.tsv" >"$OUT/paths-groonga.txt"
python3 "$HERE/loadtest_paths.py" groonga --no-cache <"$HERE/loadtest-queries.tsv" >"$OUT/paths-groonga-uncached.txt"
SUMMARY="$OUT/summary.md"
rm -f "$OUT/rss.txt"

SERVER_PID=""
STARTED_URL=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT

wait_ready() { # $1 = URL that answers 200 once the server is ready
  # building a large index first can take a while
  for _ in $(seq 1 36000); do
    if curl -fs "$1" >/dev/null 2>&1; then
      return
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; see $OUT/server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "server not ready after 1 h" >&2
  exit 1
}

start_server() { # $1 = cache entries (empty = default)
  local cache="$1"
  [ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release)" >&2; exit 1; }
  echo "starting $BIN serve on 127.0.0.1:$PORT (index $INDEX, search cache ${cache:-default})" >&2
  if [ -n "$cache" ]; then
    SHISAKU_SEARCH_CACHE="$cache" "$BIN" --manifest "$MANIFEST" --index "$INDEX" \
      serve --addr "127.0.0.1:$PORT" --watch-seconds 0 >"$OUT/server.log" 2>&1 &
  else
    "$BIN" --manifest "$MANIFEST" --index "$INDEX" \
      serve --addr "127.0.0.1:$PORT" --watch-seconds 0 >"$OUT/server.log" 2>&1 &
  fi
  SERVER_PID=$!
  STARTED_URL="http://127.0.0.1:$PORT"
  wait_ready "$STARTED_URL/readyz"
}

# Groonga's database of the manifest's measures, built once per run of this
# script (from `shisaku export`, so both servers hold the same records).
GROONGA_DB=""
start_groonga() {
  [ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release)" >&2; exit 1; }
  if [ -z "$GROONGA_DB" ]; then
    GROONGA_DB="$OUT/groonga-db/shisaku"
    rm -rf "$OUT/groonga-db"
    mkdir -p "$OUT/groonga-db"
    echo "building the Groonga database $GROONGA_DB" >&2
    "$BIN" --manifest "$MANIFEST" export | python3 "$HERE/groonga_load.py" >"$OUT/groonga-load.grn"
    groonga -n "$GROONGA_DB" <"$OUT/groonga-load.grn" >"$OUT/groonga-load.log"
    if grep -v '^\[\[0,' "$OUT/groonga-load.log" | grep -q .; then
      echo "Groonga refused a command while loading; see $OUT/groonga-load.log" >&2
      exit 1
    fi
  fi
  echo "starting groonga on 127.0.0.1:$PORT ($GROONGA_THREADS threads)" >&2
  groonga -s --protocol http --bind-address 127.0.0.1 -p "$PORT" \
    --max-threads "$GROONGA_THREADS" "$GROONGA_DB" >"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  STARTED_URL="http://127.0.0.1:$PORT"
  wait_ready "$STARTED_URL/d/status"
}

rss() { # VmRSS and VmHWM of the started server, in MiB
  [ -n "$SERVER_PID" ] || { echo "- -"; return; }
  awk '/^VmRSS|^VmHWM/ {printf "%.0f ", $2/1024}' "/proc/$SERVER_PID/status"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

cpu_ticks() { # utime + stime of the started server, in clock ticks
  [ -n "$SERVER_PID" ] || { echo 0; return; }
  # the command name may contain spaces: take the fields after the last ')'
  sed 's/.*) //' "/proc/$SERVER_PID/stat" | awk '{print $12 + $13}'
}
HZ=$(getconf CLK_TCK)

# Closed connections leave the client's ports in TIME_WAIT for 60 s; tens of
# thousands of them (one per request of a `close` run) slow the next run's
# connects. Waits (up to 65 s) until fewer than 1,000 remain.
drain_time_wait() {
  command -v ss >/dev/null || return 0
  local i
  for i in $(seq 65); do
    [ "$(ss -tan state time-wait 2>/dev/null | tail -n +2 | wc -l)" -lt 1000 ] && return 0
    sleep 1
  done
}

run_wrk() { # $1 mode label, $2 url, $3 connections, $4 keepalive|close, $5 paths file
  local label="$1" url="$2" c="$3" conn="$4" paths="$5" t="$THREADS"
  [ "$t" -gt "$c" ] && t="$c"
  local hdr=()
  [ "$conn" = close ] && hdr=(-H "Connection: close")
  local raw="$OUT/wrk-$label-c$c-$conn.txt"
  local load cpu0 cpu1
  drain_time_wait
  load=$(loadavg)
  cpu0=$(cpu_ticks)
  LOADTEST_PATHS="$paths" wrk -t"$t" -c"$c" -d"$DURATION" --latency "${hdr[@]}" -s "$LUA" "$url" >"$raw" 2>&1 || true
  cpu1=$(cpu_ticks)
  local line
  line=$(grep '^RESULT' "$raw" || echo "RESULT requests=0")
  get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  local errors=0 k v
  for k in connect_errors read_errors write_errors timeouts non2xx; do
    v=$(get $k)
    errors=$((errors + ${v:-0}))
  done
  # server CPU time per request: what the server would need on an idle machine
  local cpu="-"
  if [ -n "$SERVER_PID" ] && [ "$(get requests)" -gt 0 ] 2>/dev/null; then
    cpu=$(awk -v d=$((cpu1 - cpu0)) -v hz="$HZ" -v n="$(get requests)" 'BEGIN {printf "%.3f", d * 1000 / hz / n}')
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
    "$label" "$c" "$conn" "$(get rps)" "$(get p50_ms)" "$(get p90_ms)" "$(get p99_ms)" \
    "$(get max_ms)" "$errors" "$cpu" "$load" | tee -a "$SUMMARY"
}

measure() { # $1 label, $2 url, $3 paths file
  local label="$1" url="$2" paths="$3"
  # warm up: page cache, allocator, and (cached mode) the response cache
  LOADTEST_PATHS="$paths" wrk -t"$THREADS" -c8 -d"$WARMUP" -s "$LUA" "$url" >/dev/null 2>&1 || true
  for c in $CONNS; do
    for conn in keepalive close; do
      run_wrk "$label" "$url" "$c" "$conn" "$paths"
    done
  done
}

{
  echo "## load test $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "host: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t$THREADS -d$DURATION; index: ${URL:-$INDEX}"
  echo
  echo "| server | connections | connection | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU ms/req | load avg before |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} | tee "$SUMMARY"

if [ -n "$URL" ]; then
  measure "as-configured" "${URL%/}" "$OUT/paths-shisaku.txt"
else
  for mode in $MODES; do
    paths="$OUT/paths-shisaku.txt"
    case "$mode" in
      cached) start_server "" ;;
      uncached) start_server 0 ;;
      groonga) start_groonga; paths="$OUT/paths-groonga.txt" ;;
      groonga-uncached) start_groonga; paths="$OUT/paths-groonga-uncached.txt" ;;
      *) echo "unknown mode $mode (cached, uncached, groonga, groonga-uncached)" >&2; exit 2 ;;
    esac
    measure "$mode" "$STARTED_URL" "$paths"
    read -r rss_mib hwm_mib <<<"$(rss)"
    echo "server ($mode): VmRSS ${rss_mib} MiB, VmHWM ${hwm_mib} MiB after the runs" >>"$OUT/rss.txt"
    stop_server
  done
  echo | tee -a "$SUMMARY"
  tee -a "$SUMMARY" <"$OUT/rss.txt"
  rm -f "$OUT/rss.txt"
fi
