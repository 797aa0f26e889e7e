/* fuzz.h — what every fuzz target shares: the libFuzzer entry point, the
 * check macro that turns a broken invariant into abort(), and helpers that
 * copy the fuzzer's bytes into exactly-sized buffers (so ASan sees any read
 * past the end). Targets include "common.h" first, then this. */
#ifndef HOTLINE_FUZZ_H
#define HOTLINE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: say which, then abort() so libFuzzer (or the replay
 * driver under ASan) records the input and a stack. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz: invariant failed at %s:%d: %s\n",           \
                    __FILE__, __LINE__, #cond);                                \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* Known, reported, not yet fixed bugs (docs/fuzzing.md, "Found"): by
 * default the targets check the full invariant, so a replay of a crashing
 * input fails. Built with -DFUZZ_ALLOW_KNOWN_BUGS (make fuzz
 * FUZZ_FLAGS=-DFUZZ_ALLOW_KNOWN_BUGS), an input that only hits a known bug
 * is dropped instead, so a long fuzzing run can look for new ones. Remove
 * each FUZZ_KNOWN_BUG use once its bug is fixed. */
#ifdef FUZZ_ALLOW_KNOWN_BUGS
#define FUZZ_KNOWN_BUG(cond) ((cond) ? 1 : 0)
#else
#define FUZZ_KNOWN_BUG(cond) 0
#endif

/* A malloc'd NUL-terminated copy of data[0..size), cut at the first NUL
 * (the server never hands a parser a string with an embedded NUL: it
 * rejects such input earlier). *len gets the string's length. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size, size_t *len)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t n = nul ? (size_t)(nul - data) : size;
    char *s = malloc(n + 1);

    if (s == NULL)
        abort();
    if (n > 0)
        memcpy(s, data, n);
    s[n] = '\0';
    if (len != NULL)
        *len = n;
    return s;
}

/* 1 when s[0..n) is well-formed UTF-8: an independent reference (decode,
 * then range-check the code point), not the code under test. */
static inline int
fuzz_utf8_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned c = p[i];
        size_t len, k;
        uint32_t cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
            (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* Code points in valid UTF-8 s[0..n). */
static inline size_t
fuzz_utf8_count(const char *s, size_t n)
{
    size_t i, c = 0;

    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

#endif
