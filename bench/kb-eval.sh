#!/bin/sh
# bench/kb-eval.sh — hit@1 / hit@5 of the knowledge-base search on real
# messages and replies (bench/kb-eval.c explains the measure).
#
#   bench/kb-eval.sh PATH/TO/att4_replies.tsv
#
# The data is not part of the project: pass its path.
set -eu
[ $# -eq 1 ] || { echo "usage: bench/kb-eval.sh REPLIES.TSV" >&2; exit 2; }
TSV=$1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-/tmp/hotline-bench-search}
PKGS="libmicrohttpd jansson sqlite3 libsodium libpq libcurl"

make -s O="$BUILD" "$BUILD/hotline" >&2
OBJS=$(find "$BUILD/rel" -name '*.o' ! -path '*/src/main.o')
cc -std=c11 -O2 -D_GNU_SOURCE -Isrc -I"$BUILD/gen" $(pkg-config --cflags $PKGS) \
    -o "$BUILD/kb-eval" bench/kb-eval.c $OBJS $(pkg-config --libs $PKGS) -lpthread -lm
"$BUILD/kb-eval" "$TSV" "$BUILD/kb-eval.db"
