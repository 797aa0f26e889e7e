-- A list page: the agent/dispatcher queue or a unit's workbench. bench/run sets
-- BENCH_PATH (e.g. /api/v1/cases?status=accepted&per_page=20) and BENCH_TOKEN for the user.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/lib.lua")
wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH") or "/api/v1/cases?status=accepted&per_page=20"
wrk.headers = bench.auth_headers({ ["Accept"] = "application/json" })
