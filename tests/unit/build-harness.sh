#!/bin/sh
# Builds build/harness-http (see harness_http.c) from the util and http
# sources only, with ASan + UBSan. Run from the repository root.
set -eu
mkdir -p build
cc -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
    -Wmissing-prototypes -Wpointer-arith -Wwrite-strings -Wvla -Wformat=2 \
    -fno-common -D_GNU_SOURCE -Isrc $(pkg-config --cflags jansson libmicrohttpd) \
    -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
    -fno-omit-frame-pointer \
    -o build/harness-http tests/unit/harness_http.c src/config.c \
    src/util/*.c src/http/server.c src/http/router.c src/http/static.c \
    $(pkg-config --libs jansson libmicrohttpd) -lpthread
