/* fuzz_rules.c — the shape checks of rules.c on arbitrary text:
 * case_phone_valid, case_no_shape, case_code_valid, case_channel_valid,
 * and case_title_from (which cuts text with utf8_prefix).
 *
 * Invariants: each check agrees with an independent, literal reading of the
 * rule in rules.h (reference functions below); a title derived from valid
 * UTF-8 is valid UTF-8, fits its buffer and holds at most
 * CASE_TITLE_DERIVED code points plus the ellipsis. */
#include "common.h"

#include "cases/rules.h"
#include "fuzz.h"
#include "util/utf8.h"

static int
digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t
digits(const char *s, size_t from, size_t to)
{
    size_t i;

    for (i = from; i < to; i++)
        if (!digit(s[i]))
            return 0;
    return 1;
}

/* 1[3-9]\d{9} | 0\d{2,3}-?\d{7,8} */
static int
ref_phone(const char *s, size_t n)
{
    size_t area, dash;

    if (n == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' &&
        digits(s, 0, n))
        return 1;
    if (n == 0 || s[0] != '0')
        return 0;
    for (area = 2; area <= 3; area++) {
        for (dash = 0; dash <= 1; dash++) {
            size_t rest = n - 1 - area - dash;

            if (n < 1 + area + dash + 7 || rest > 8)
                continue;
            if (!digits(s, 0, 1 + area))
                continue;
            if (dash && s[1 + area] != '-')
                continue;
            if (digits(s, 1 + area + dash, n))
                return 1;
        }
    }
    return 0;
}

/* JZ\d{14} */
static int
ref_case_no(const char *s, size_t n)
{
    return n == 16 && s[0] == 'J' && s[1] == 'Z' && digits(s, 2, 16);
}

/* [0-9A-Za-z]{1,16} */
static int
ref_code(const char *s, size_t n)
{
    size_t i;

    if (n < 1 || n > 16)
        return 0;
    for (i = 0; i < n; i++)
        if (!digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'z') &&
            !(s[i] >= 'A' && s[i] <= 'Z'))
            return 0;
    return 1;
}

/* [a-z0-9_]{1,32} */
static int
ref_channel(const char *s, size_t n)
{
    size_t i;

    if (n < 1 || n > 32)
        return 0;
    for (i = 0; i < n; i++)
        if (!digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'z') && s[i] != '_')
            return 0;
    return 1;
}

static void
check_title(const char *s, size_t n, size_t cap)
{
    char *out = malloc(cap);
    size_t len, chars;
    const char *ell = "\xe2\x80\xa6"; /* … */

    if (out == NULL)
        abort();
    case_title_from(s, out, cap);
    len = strlen(out);
    FUZZ_CHECK(len < cap);
    FUZZ_CHECK(utf8_valid(out, len));
    chars = utf8_chars(out, len);
    FUZZ_CHECK(chars <= CASE_TITLE_DERIVED + 1);
    /* the title is the content's first line (after leading blanks) */
    if (len >= 3 && strcmp(out + len - 3, ell) == 0)
        len -= 3;
    FUZZ_CHECK(memchr(out, '\n', len) == NULL && memchr(out, '\r', len) ==
               NULL);
    (void)n;
    free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    char *s;

    if (size > 8192)
        return 0;
    s = fuzz_cstr(data, size, &n);
    FUZZ_CHECK(case_phone_valid(s) == ref_phone(s, n));
    FUZZ_CHECK(case_no_shape(s) == ref_case_no(s, n));
    FUZZ_CHECK(case_code_valid(s) == ref_code(s, n));
    FUZZ_CHECK(case_channel_valid(s) == ref_channel(s, n));
    if (utf8_valid(s, n)) {
        check_title(s, n, 256); /* what the store uses */
        check_title(s, n, 16);  /* tighter than 30 characters */
        check_title(s, n, 5);
    }
    free(s);
    return 0;
}
