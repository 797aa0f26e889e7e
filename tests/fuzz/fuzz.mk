# tests/fuzz/fuzz.mk — fuzz targets (included from the Makefile).
#
#   make fuzz-replay   every target over its corpus in tests/fuzz/corpus/<name>,
#                      built with $(CC) + ASan/UBSan (no clang needed); part of
#                      `make test`
#   make fuzz          real libFuzzer binaries with clang into $(O)/fuzz/
#                      (FUZZ_CC, FUZZ_FLAGS; see docs/fuzzing.md), then e.g.
#                      $(O)/fuzz/fuzz_utf8 -max_total_time=60 tests/fuzz/corpus/utf8
.PHONY: fuzz-replay fuzz

FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BIN   := $(patsubst %,$(O)/fuzz/replay-%,$(FUZZ_NAMES))
FUZZ_DEPS  := tests/fuzz/fuzz.h tests/fuzz/replay.c

$(O)/fuzz/replay-%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS) $(ASAN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -o $@ $< tests/fuzz/replay.c $(ASAN_OBJ) $(PKG_LIBS)

fuzz-replay: $(FUZZ_BIN)
	@set -e; for n in $(FUZZ_NAMES); do \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	        $(O)/fuzz/replay-$$n tests/fuzz/corpus/$$n; \
	done

# --- real fuzzing (optional; needs clang with libFuzzer) --------------------
# The library is rebuilt with clang and coverage instrumentation into
# $(O)/fuzz/obj/ (gcc's ASan objects cannot be linked with clang's runtime).
FUZZ_CC    ?= clang
FUZZ_FLAGS ?=
FUZZ_SAN   := -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
              -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJ   := $(patsubst %.c,$(O)/fuzz/obj/%.o,$(LIB_SRC))
FUZZ_LF    := $(patsubst %,$(O)/fuzz/fuzz_%,$(FUZZ_NAMES))

$(O)/fuzz/obj/%.o: %.c $(wildcard src/*.h src/*/*.h) | $(O)/gen/migrations.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -c $< -o $@

$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) $(FUZZ_FLAGS) -fsanitize=fuzzer \
	    -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS)

fuzz: $(FUZZ_LF)

# keep the clang objects between runs (they are only pattern prerequisites)
.SECONDARY: $(FUZZ_OBJ)
