-- GET /healthz: the server's ceiling (routing, one trivial database check, a 15-byte answer).
dofile((os.getenv("BENCH_DIR") or "bench") .. "/lib.lua")
wrk.method = "GET"
wrk.path = "/healthz"
