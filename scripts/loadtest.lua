-- wrk script for scripts/loadtest.sh: rotates through a fixed list of
-- request paths and prints one machine-readable RESULT line at the end.
--
-- The paths are read from the file named by LOADTEST_PATHS, one per line
-- (scripts/loadtest_paths.py makes them from scripts/loadtest-queries.tsv:
-- realistic /api/search requests, words from the documents, some with facet
-- filters, pages 1–2, or the same questions as Groonga selects):
--
--   scripts/loadtest_paths.py shisaku < scripts/loadtest-queries.tsv > paths.txt
--   LOADTEST_PATHS=paths.txt wrk -t2 -c64 -d10s --latency -s scripts/loadtest.lua http://127.0.0.1:8080
--
-- Each wrk thread starts at a different place in the list so the threads do
-- not send the same request at the same moment.

local paths = {}
do
  local file = os.getenv("LOADTEST_PATHS")
  if not file then
    error("LOADTEST_PATHS is not set: the file of request paths (see scripts/loadtest_paths.py)")
  end
  local f = io.open(file, "r")
  if not f then
    error("LOADTEST_PATHS: cannot open " .. file)
  end
  for line in f:lines() do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  f:close()
  if #paths == 0 then
    error("LOADTEST_PATHS: no paths in " .. file)
  end
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local i = 0

function init(args)
  -- `id` is set by setup(); spread the threads over the list
  i = ((id or 0) * 17) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f "
      .. "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d non2xx=%d distinct_urls=%d\n",
    summary.requests,
    summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000,
    latency:percentile(90) / 1000,
    latency:percentile(99) / 1000,
    latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status,
    #paths
  ))
end
