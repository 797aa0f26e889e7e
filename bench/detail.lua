-- GET /api/v1/cases/{id}: the case page (assignments, events, extensions, visits, actions)
-- for random ids in 1..BENCH_MAX_ID, as a platform user who may read every case.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/lib.lua")
local max_id = tonumber(os.getenv("BENCH_MAX_ID") or "3000")
local headers

function init(args)
    math.randomseed(os.time() * 1000 + (tid or 0))
    headers = bench.auth_headers({ ["Accept"] = "application/json" })
end

function request()
    bench.count_sent()
    return wrk.format("GET", "/api/v1/cases/" .. math.random(1, max_id), headers)
end
