#!/bin/sh
# Durable intake (POST /api/v1/cases, synchronous=FULL) at 1, 8 and 64 connections, to show
# how fsync-bound throughput scales with concurrency. 127.0.0.1 only; bounded.
# Usage: bench/intake-concurrency.sh
# Environment: BENCH_LEVELS ("1 8 64")  BENCH_DURATION (5s per level)  BENCH_CASES (3000)
#   BENCH_SERVER_THREADS  BENCH_THREADS (2)  BENCH_IDEMPOTENCY (1)  BENCH_KEEP
# Each level must add exactly one row per 201 the server logged (else exit 1).
set -u
BENCH_DURATION=${BENCH_DURATION:-5s}
. "$(dirname "$0")/lib.sh"
BENCH_LEVELS=${BENCH_LEVELS:-1 8 64}

bench_setup
PROBE0=$(bench_fsync_probe "$TMP" 300)
DB=$TMP/hotline.db
bench_seed "$BENCH_CASES" "$DB"
bench_start "$DB"
AGENT=$(bench_login agent)
: >"$TMP/checks"
for c in $BENCH_LEVELS; do
    before=$(bench_settled_count "$DB")
    log_before=$(bench_log_201)
    bench_wrk "intake.c$c" intake.lua "$c" BENCH_TOKEN="$AGENT" >/dev/null
    after=$(bench_settled_count "$DB")
    log_after=$(bench_log_201)
    logged=""
    [ -n "$log_before" ] && logged=$((log_after - log_before))
    bench_intake_check "intake.c$c" "$before" "$after" "$logged" >>"$TMP/checks"
done
bench_stop
PROBE=$(bench_fsync_probe "$TMP" 300)

echo
echo "hotline intake vs connections — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), nproc $(nproc)"
echo "wrk -t≤$BENCH_THREADS -d$BENCH_DURATION per level; server threads ${BENCH_SERVER_THREADS:-default}; x ceil = vs 1 connection"
echo
CEIL=$(bench_field "$(head -1 "$TMP/results")" rps)
bench_table "$TMP/results" "$CEIL"
echo
cat "$TMP/checks"
echo "disk: sqlite3 CLI, WAL + synchronous=FULL, one row per transaction: $PROBE0 txn/s before, $PROBE after; load average $(bench_load)"
grep -q 'FAILURE\|MISMATCH' "$TMP/checks" && FAILED=1
[ "$(bench_any_errors "$TMP/results")" = 1 ] && { echo "FLAGGED: some requests failed (see the table)"; FAILED=1; }
exit "$FAILED"
