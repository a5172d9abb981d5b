-- wrk script for scripts/loadtest.sh: rotates through a fixed list of
-- realistic /api/search requests (words from the documents, some with facet
-- filters, pages 1–2; facets and snippets are always on in /api/search) and
-- prints one machine-readable RESULT line at the end.
--
--   wrk -t2 -c64 -d10s --latency -s scripts/loadtest.lua http://127.0.0.1:8080
--
-- Each wrk thread starts at a different place in the list so the threads do
-- not send the same request at the same moment.

local queries = {
  -- { query, extra parameters (raw, already safe or encoded below) }
  { "相談窓口", { plan_kind = "suicide-prevention" } },
  { "民生委員" },
  { "ＤＶ相談" },
  { "高齢者 見守り" },
  { "子ども 貧困", { level = "measure" } },
  { "げーときーぱー" },
  { "障がい者", { municipality = "熊本市" } },
  { "研修 OR 講座" },
  { "\"早期発見\"" },
  { "ひきこもり" },
  { "防災 -訓練" },
  { "title:支援", { plan_kind = "regional-welfare" } },
  { "自殺予防 啓発" },
  { "地域包括支援センター" },
  { "女性 登用", { plan_kind = "gender-equality" } },
  { "成年後見" },
  { "精神科救急医療" },
  { "精神障がい者 地域生活", { department = "障がい者支援部" } },
  { "ヤングケアラー" },
  { "虐待 防止" },
  { "生活困窮者 自立支援" },
  { "社会福祉協議会", { plan_kind = "regional-welfare" } },
  { "孤立 つながり" },
  { "産後うつ" },
  { "自死遺族" },
  { "男女共同参画 啓発", { municipality = "荒尾市" } },
  { "ワーク・ライフ・バランス" },
  { "配偶者暴力" },
  { "いじめ 相談", { page = "2" } },
  { "SOSの出し方" },
  { "就労支援", { department = "市民生活部" } },
  { "健康づくり" },
  { "人権教育" },
  { "認知症 家族" },
  { "自殺対策", { municipality = "熊谷市" } },
  { "相談", { page = "2" } },
  { "支援" },
  { "居場所づくり" },
  { "ボランティア 育成" },
  { "職員 研修", { plan_kind = "suicide-prevention", page = "2" } },
}

local function enc(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

-- fixed order of extra keys so a request is always the same URL
local KEYS = { "plan_kind", "municipality", "department", "level", "page" }

local paths = {}
for i, q in ipairs(queries) do
  local p = "/api/search?q=" .. enc(q[1])
  local extra = q[2] or {}
  for _, k in ipairs(KEYS) do
    if extra[k] then
      p = p .. "&" .. k .. "=" .. enc(extra[k])
    end
  end
  paths[i] = p
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
