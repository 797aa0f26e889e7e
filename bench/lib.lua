-- Shared by every bench/*.lua script (loaded with dofile; wrk gives each thread its own Lua
-- state, so this runs once in the main state and once per thread).
--
-- Counts responses by status in each thread and, in done(), prints ONE machine-readable line
-- that bench/run parses:
--   BENCH name=... requests=... rps=... p50_us=... p99_us=... ok=... non2xx=... created=...
--         sent=... connect=... read=... write=... timeout=... statuses=200:123,409:4
-- wrk's own summary counts only >= 400 as errors; here anything that is not 2xx is an error.

bench = bench or {}
bench.name = os.getenv("BENCH_NAME") or "unnamed"

-- main state: number the threads and keep them for done()
local threads = {}
function setup(thread)
    table.insert(threads, thread)
    thread:set("tid", #threads)
end

-- per-thread counters (globals so thread:get can read them)
ok, non2xx, created, sent = 0, 0, 0, 0
statuses = {}

function response(status, headers, body)
    if status >= 200 and status < 300 then ok = ok + 1 else non2xx = non2xx + 1 end
    if status == 201 then created = created + 1 end
    statuses[status] = (statuses[status] or 0) + 1
end

-- scripts that build each request call this so the intake check knows how many were sent
function bench.count_sent() sent = sent + 1 end

-- the bearer token for the login bench/run did, or nil
function bench.auth_headers(extra)
    local h = extra or {}
    local tok = os.getenv("BENCH_TOKEN")
    if tok and tok ~= "" then h["Authorization"] = "Bearer " .. tok end
    return h
end

function done(summary, latency, requests)
    local t = { ok = 0, non2xx = 0, created = 0, sent = 0 }
    local st = {}
    for _, th in ipairs(threads) do
        for k, _ in pairs(t) do t[k] = t[k] + (th:get(k) or 0) end
        local s = th:get("statuses") or {}
        for code, n in pairs(s) do st[code] = (st[code] or 0) + n end
    end
    local codes = {}
    for code, _ in pairs(st) do table.insert(codes, code) end
    table.sort(codes)
    local parts = {}
    for _, code in ipairs(codes) do table.insert(parts, code .. ":" .. st[code]) end
    local secs = summary.duration / 1e6
    local e = summary.errors
    io.write(string.format(
        "BENCH name=%s requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d " ..
        "ok=%d non2xx=%d created=%d sent=%d connect=%d read=%d write=%d timeout=%d statuses=%s\n",
        bench.name, summary.requests, summary.duration, summary.requests / secs,
        latency:percentile(50), latency:percentile(99), latency.max,
        t.ok, t.non2xx, t.created, t.sent,
        e.connect, e.read, e.write, e.timeout,
        (#parts > 0) and table.concat(parts, ",") or "-"))
end
