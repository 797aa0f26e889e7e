# Shared shell functions for bench/run and bench/intake-concurrency.sh (POSIX sh; sourced).
# Everything runs on 127.0.0.1 only, every load run is bounded by BENCH_DURATION, and the
# server is stopped (SIGTERM) and the temp dir removed on exit, also on Ctrl-C.

BENCH_DURATION=${BENCH_DURATION:-10s}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-32}
BENCH_CASES=${BENCH_CASES:-3000}
BENCH_LOG_LEVEL=${BENCH_LOG_LEVEL:-info}
BENCH_WRK_TIMEOUT=${BENCH_WRK_TIMEOUT:-10s}
PASSWORD=demo-pass-2026

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=$ROOT/bench
export BENCH_DIR
cd "$ROOT" || exit 1

TMP=""
SERVER_PID=""
PORT=""
BASE=""
FAILED=0

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

bench_require() {
    for t in wrk sqlite3 curl; do
        command -v "$t" >/dev/null 2>&1 || die "'$t' is missing: run 'make deps-test' (scripts/install-deps --test)"
    done
    if [ ! -x ./hotline ]; then
        say "bench: ./hotline missing, running 'make hotline'"
        make --no-print-directory hotline >&2 || die "make hotline failed"
    fi
}

bench_cleanup() {
    bench_stop
    if [ -n "$TMP" ] && [ -d "$TMP" ]; then
        if [ "${BENCH_KEEP:-0}" = 1 ]; then say "bench: kept $TMP"; else rm -rf "$TMP"; fi
    fi
}

bench_setup() {
    bench_require
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/hotline-bench.XXXXXX") || die "mktemp failed"
    trap 'bench_cleanup' EXIT
    trap 'exit 130' INT TERM
}

# bench_seed N DB
bench_seed() {
    say "bench: seeding $1 demo cases into a fresh database (fsync per transaction: takes a while)"
    ./hotline seed --demo --db "$2" --cases "$1" >"$TMP/seed.log" 2>&1 \
        || { tail -20 "$TMP/seed.log" >&2; die "seed failed"; }
}

# a port nothing on 127.0.0.1 answers on (re-checked by the server's own bind)
bench_pick_port() {
    while :; do
        p=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
        p=$((20000 + p % 40000))
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/" || { echo "$p"; return; }
    done
}

# bench_start DB: serve on a free loopback port; sets SERVER_PID, PORT, BASE, SERVER_LOG
bench_start() {
    SERVER_LOG=$TMP/server.log
    tries=0
    while [ $tries -lt 5 ]; do
        tries=$((tries + 1))
        PORT=$(bench_pick_port)
        BASE=http://127.0.0.1:$PORT
        # shellcheck disable=SC2086
        ./hotline serve --listen "127.0.0.1:$PORT" --db "$1" --static "" \
            --log-level "$BENCH_LOG_LEVEL" ${BENCH_SERVER_THREADS:+--threads $BENCH_SERVER_THREADS} \
            2>"$SERVER_LOG" &
        SERVER_PID=$!
        i=0
        while [ $i -lt 100 ]; do   # up to 10 s
            if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
            if grep -q 'msg="listening"' "$SERVER_LOG" 2>/dev/null &&
               curl -s -o /dev/null --max-time 2 "$BASE/healthz"; then
                say "bench: server pid $SERVER_PID on $BASE"
                return 0
            fi
            sleep 0.1; i=$((i + 1))
        done
        say "bench: server did not come up on port $PORT:"; tail -5 "$SERVER_LOG" >&2
        bench_stop
    done
    die "could not start the server"
}

# stop with SIGTERM (the server finishes requests in flight), SIGKILL after 15 s
bench_stop() {
    [ -n "$SERVER_PID" ] || return 0
    if kill -TERM "$SERVER_PID" 2>/dev/null; then
        i=0
        while kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            say "bench: server did not stop within 15 s of SIGTERM: killing it"
            kill -KILL "$SERVER_PID" 2>/dev/null
            FAILED=1
        fi
    fi
    wait "$SERVER_PID" 2>/dev/null
    SERVER_RC=$?
    SERVER_PID=""
}

bench_alive() { [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; }

# bench_login USER -> prints the bearer token
bench_login() {
    out=$(curl -s --max-time 30 -X POST "$BASE/api/v1/auth/login" \
        -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}")
    tok=$(printf '%s' "$out" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
    [ -n "$tok" ] || die "login as $1 failed: $out"
    printf '%s\n' "$tok"
}

bench_count_cases() { sqlite3 "$1" 'PRAGMA busy_timeout=10000; SELECT count(*) FROM cases;' | tail -1; }

# bench_wrk NAME SCRIPT CONNECTIONS [VAR=value ...]
# Runs wrk for BENCH_DURATION; appends the BENCH line to $TMP/results and echoes it.
bench_wrk() {
    name=$1 script=$2 conns=$3; shift 3
    threads=$BENCH_THREADS
    [ "$conns" -lt "$threads" ] && threads=$conns
    say "bench: $name: wrk -t$threads -c$conns -d$BENCH_DURATION ($script)"
    env BENCH_NAME="$name" "$@" wrk -t"$threads" -c"$conns" -d"$BENCH_DURATION" \
        --timeout "$BENCH_WRK_TIMEOUT" -s "$BENCH_DIR/$script" "$BASE" >"$TMP/$name.out" 2>&1
    line=$(grep '^BENCH ' "$TMP/$name.out")
    if [ -z "$line" ]; then
        cat "$TMP/$name.out" >&2
        die "$name: wrk printed no result"
    fi
    echo "$line conns=$conns" >>"$TMP/results"
    if ! bench_alive; then
        say "bench: SERVER DIED during $name:"; tail -20 "$SERVER_LOG" >&2
        FAILED=1
        exit 1
    fi
    echo "$line"
}

# field VALUE of "key=value" in a BENCH line: bench_field LINE KEY
bench_field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }

# bench_table FILE CEILING_RPS: the results as a table; non-2xx and socket errors are flagged
bench_table() {
    awk -v ceil="$2" '
    function f(k,   i, a) { for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) return substr($i, length(k) + 2) } return "" }
    BEGIN {
        printf "%-22s %5s %10s %9s %9s %8s %8s %8s  %s\n", "benchmark", "conns", "req/s", "p50 ms", "p99 ms", "non-2xx", "sockerr", "x ceil", "flag"
    }
    {
        sock = f("connect") + f("read") + f("write") + f("timeout")
        flag = (f("non2xx") > 0 || sock > 0) ? "ERRORS (" f("statuses") ")" : "ok"
        r = (ceil > 0) ? sprintf("%.3f", f("rps") / ceil) : "-"
        printf "%-22s %5d %10.0f %9.2f %9.2f %8d %8d %8s  %s\n", f("name"), f("conns"), f("rps"), f("p50_us") / 1000, f("p99_us") / 1000, f("non2xx"), sock, r, flag
    }' "$1"
}

# 1 when any run in FILE had a non-2xx answer or a socket error
bench_any_errors() {
    awk '{ for (i = 2; i <= NF; i++) { split($i, a, "=");
           if ((a[1] == "non2xx" || a[1] == "connect" || a[1] == "read" || a[1] == "write" || a[1] == "timeout") && a[2] > 0) bad = 1 } }
         END { print bad ? 1 : 0 }' "$1"
}

# bench_intake_check NAME BEFORE AFTER LOG_201
# Every 201 that wrk received must be a row; rows beyond that are requests still in flight
# when wrk stopped (sent but not answered), which the server committed after the cut-off.
bench_intake_check() {
    line=$(grep "^BENCH name=$1 " "$TMP/results")
    c201=$(bench_field "$line" created)
    sent=$(bench_field "$line" sent)
    resp=$(bench_field "$line" requests)
    inflight=$((sent - resp))
    grew=$(($3 - $2))
    printf '%s: cases before %d, after %d: grew by %d; wrk got %d x 201; %d request(s) in flight at the cut-off' \
        "$1" "$2" "$3" "$grew" "$c201" "$inflight"
    [ -n "$4" ] && printf '; server logged %d x 201' "$4"
    printf '\n'
    if [ "$grew" -lt "$c201" ]; then
        echo "  DURABILITY FAILURE: $((c201 - grew)) acknowledged case(s) are not in the database"; FAILED=1
    elif [ -n "$4" ] && [ "$grew" -ne "$4" ]; then
        echo "  MISMATCH: the server acknowledged $4 cases but $grew rows were added"; FAILED=1
    elif [ "$grew" -gt $((c201 + inflight)) ]; then
        echo "  MISMATCH: $((grew - c201 - inflight)) more row(s) than 201s plus requests in flight"; FAILED=1
    elif [ "$grew" -eq "$c201" ]; then
        echo "  ok: exactly one row per 201"
    else
        echo "  ok: one row per 201, plus $((grew - c201)) answered after wrk's cut-off (<= $inflight in flight)"
    fi
}

# the case count once it stops changing (requests in flight at wrk's cut-off have finished)
bench_settled_count() {
    prev=$(bench_count_cases "$1"); i=0
    while [ $i -lt 20 ]; do
        sleep 0.5
        cur=$(bench_count_cases "$1")
        [ "$cur" = "$prev" ] && break
        prev=$cur; i=$((i + 1))
    done
    echo "$prev"
}

bench_log_201() {
    if [ "$BENCH_LOG_LEVEL" = info ] || [ "$BENCH_LOG_LEVEL" = debug ]; then
        grep -c 'method=POST route=/api/v1/cases status=201' "$SERVER_LOG"
    fi
}

# bench_fsync_probe DIR N: durable single-row transactions/s of the sqlite3 CLI in WAL mode with
# synchronous=FULL on DIR's disk right now — the floor every intake transaction pays.
bench_fsync_probe() {
    f=$1/fsync-probe.db
    {
        echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t(x);"
        i=0; while [ $i -lt "$2" ]; do echo "INSERT INTO t VALUES($i);"; i=$((i + 1)); done
    } >"$1/fsync-probe.sql"
    s=$(date +%s%N)
    sqlite3 "$f" <"$1/fsync-probe.sql" >/dev/null
    e=$(date +%s%N)
    rm -f "$f" "$f-wal" "$f-shm" "$1/fsync-probe.sql"
    echo $(($2 * 1000000000 / (e - s)))
}

bench_load() { cut -d' ' -f1-3 /proc/loadavg; }
