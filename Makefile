# hotline — build, run and test. Plain make + pkg-config.
#   make        build ./hotline (and the web app once web/ exists)
#   make run    install what is missing, build, create the demo database, serve
#   make test   install what is missing, build, run every test
.DEFAULT_GOAL := all
.PHONY: all run test deps deps-test unit-tests api-tests e2e-tests fuzz-replay web clean bench format

PKGS      := libmicrohttpd jansson sqlite3 libsodium libpq libcurl
# Build directory. A private one (make O=/tmp/mine /tmp/mine/hotline-asan) lets
# several people build one work tree at once without racing.
O         ?= build
CC        ?= cc
WARN      := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wpointer-arith -Wwrite-strings -Wvla \
             -Wformat=2 -fno-common
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -I$(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
CFLAGS    ?= -O2 -g
RELFLAGS  := -D_FORTIFY_SOURCE=2 -fstack-protector-strong
SANFLAGS  := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ALL_CFLAGS = $(WARN) -D_GNU_SOURCE -Isrc -I$(O)/gen $(PKG_CFLAGS)

SRC       := $(sort $(wildcard src/*.c src/*/*.c))
MAIN_SRC  := src/main.c
LIB_SRC   := $(filter-out $(MAIN_SRC),$(SRC)) $(O)/gen/migrations.c
MIGRATIONS := $(sort $(wildcard src/db/migrations/*.sql))

OBJ       := $(patsubst %.c,$(O)/rel/%.o,$(LIB_SRC))
ASAN_OBJ  := $(patsubst %.c,$(O)/asan/%.o,$(LIB_SRC))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRC))

all: hotline web

$(O)/gen/migrations.c: $(MIGRATIONS) scripts/embed-sql.sh
	@mkdir -p $(@D)
	scripts/embed-sql.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(O)/rel/%.o: %.c $(wildcard src/*.h src/*/*.h) | $(O)/gen/migrations.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CFLAGS) $(RELFLAGS) -c $< -o $@

$(O)/asan/%.o: %.c $(wildcard src/*.h src/*/*.h) | $(O)/gen/migrations.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -c $< -o $@

hotline $(O)/hotline: $(OBJ) $(O)/rel/src/main.o
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

# The binary the black-box tests run: same code, with ASan + UBSan.
$(O)/hotline-asan: $(ASAN_OBJ) $(O)/asan/src/main.o
	$(CC) $(SANFLAGS) -o $@ $^ $(PKG_LIBS)

$(O)/tests/%: tests/unit/%.c $(ASAN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -o $@ $< $(ASAN_OBJ) $(PKG_LIBS) -lcmocka

include tests/fuzz/fuzz.mk

# --- web app ---------------------------------------------------------------
WEB_SRC := $(shell find web/src web/index.html web/vite.config.* web/public -type f 2>/dev/null)
web: $(if $(wildcard web/package.json),web/dist/index.html)
web/node_modules/.stamp: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@
web/dist/index.html: web/node_modules/.stamp $(WEB_SRC)
	cd web && npm run --silent build

tests/node_modules/.stamp: tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# --- the two commands ------------------------------------------------------
deps:
	@scripts/install-deps

deps-test:
	@scripts/install-deps --test

DB ?= data/hotline.db
run: deps
	@$(MAKE) --no-print-directory all
	@if [ ! -f "$(DB)" ]; then ./hotline seed --demo --db "$(DB)"; fi
	./hotline serve --db "$(DB)" --static web/dist

test: deps-test
	@$(MAKE) --no-print-directory all $(O)/hotline-asan $(UNIT_BIN) $(FUZZ_BIN) tests/node_modules/.stamp
	@scripts/run-tests

unit-tests: $(UNIT_BIN)
	@scripts/run-tests unit

bench: hotline
	bench/run

format:
	clang-format -i $(SRC) $(wildcard src/*/*.h) $(UNIT_SRC)

clean:
	rm -rf $(O) hotline web/dist
