#!/bin/sh
# bench/search-latency.sh — p50/p99 of 2- and 4-character searches over
# 1 M synthetic cases and 100 k articles (docs/search.md).
#
#   bench/search-latency.sh [NCASES [NARTICLES [ROUNDS]]]   (1000000 100000 20)
#
# Builds the release objects into $BUILD (default /tmp/hotline-bench-search),
# links bench/search-bench.c against them (the real tokenizer, index and
# cases list) and runs it on a scratch database $BUILD/search.db, which is
# kept: a second run skips the fill. SEARCH_BENCH_FRESH=1 starts over.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
NCASES=${1:-1000000}
NARTICLES=${2:-100000}
ROUNDS=${3:-20}
BUILD=${BUILD:-/tmp/hotline-bench-search}
DB=$BUILD/search.db
PKGS="libmicrohttpd jansson sqlite3 libsodium libpq libcurl"

make -s O="$BUILD" "$BUILD/hotline" >&2
OBJS=$(find "$BUILD/rel" -name '*.o' ! -path '*/src/main.o')
cc -std=c11 -O2 -D_GNU_SOURCE -Isrc -I"$BUILD/gen" $(pkg-config --cflags $PKGS) \
    -o "$BUILD/search-bench" bench/search-bench.c $OBJS \
    $(pkg-config --libs $PKGS) -lpthread -lm
if [ "${SEARCH_BENCH_FRESH:-0}" = 1 ]; then rm -f "$DB" "$DB-wal" "$DB-shm"; fi
HOTLINE_LOG_LEVEL=warn "$BUILD/search-bench" "$DB" "$NCASES" "$NARTICLES" "$ROUNDS"
