/* fuzz_utf8.c — utf8_valid, utf8_chars, utf8_prefix on arbitrary bytes.
 *
 * Invariants:
 *  - utf8_valid agrees with an independent decoder (fuzz_utf8_ok): no
 *    overlongs, no surrogates, nothing above U+10FFFF, no truncation;
 *  - utf8_chars of valid text counts its code points;
 *  - utf8_prefix never returns more than n; on valid text the prefix is
 *    valid (it never cuts a sequence), holds at most max_chars code points,
 *    and is the longest such prefix. */
#include "common.h"

#include "fuzz.h"
#include "util/utf8.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s;
    size_t chars, p, max, i;
    int valid;

    /* first byte: max_chars for utf8_prefix; the rest: the text */
    max = size > 0 ? data[0] % 64 : 0;
    s = size > 0 ? (const char *)data + 1 : (const char *)data;
    size = size > 0 ? size - 1 : 0;

    valid = utf8_valid(s, size);
    FUZZ_CHECK(valid == 0 || valid == 1);
    FUZZ_CHECK(valid == fuzz_utf8_ok(s, size));

    p = utf8_prefix(s, size, max);
    FUZZ_CHECK(p <= size);
    p = utf8_prefix(s, size, (size_t)-1);
    FUZZ_CHECK(p <= size);
    if (!valid)
        return 0;

    chars = utf8_chars(s, size);
    FUZZ_CHECK(chars == fuzz_utf8_count(s, size));
    FUZZ_CHECK(chars <= size);

    for (i = 0; i <= 2 * max; i += max ? max : 1) {
        p = utf8_prefix(s, size, i);
        FUZZ_CHECK(p <= size);
        FUZZ_CHECK(utf8_valid(s, p));
        FUZZ_CHECK(p == size || ((unsigned char)s[p] & 0xC0) != 0x80);
        FUZZ_CHECK(utf8_chars(s, p) == (chars < i ? chars : i));
    }
    /* all of valid text when there is room */
    FUZZ_CHECK(utf8_prefix(s, size, chars) == size);
    /* a byte limit that cuts a sequence: the prefix stops before it */
    if (size > 1) {
        p = utf8_prefix(s, size - 1, (size_t)-1);
        FUZZ_CHECK(p <= size - 1);
        FUZZ_CHECK(utf8_valid(s, p));
        FUZZ_CHECK(p == size - 1 || ((unsigned char)s[p] & 0xC0) != 0x80);
    }
    return 0;
}
