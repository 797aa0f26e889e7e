/* test_util.c — utf8, buf, arena, timeutil, parse_int64, log_mask_phone. */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/timeutil.h"
#include "util/utf8.h"

/* --- utf8 ------------------------------------------------------------- */

static void
test_utf8_valid(void **state)
{
    static const struct {
        const char *s;
        size_t n; /* 0: strlen */
        int valid;
    } cases[] = {
        {"", 0, 1},
        {"hello", 0, 1},
        {"噪音扰民", 0, 1},
        {"\xC2\x80", 0, 1},             /* U+0080, smallest 2-byte */
        {"\xDF\xBF", 0, 1},             /* U+07FF */
        {"\xE0\xA0\x80", 0, 1},         /* U+0800 */
        {"\xED\x9F\xBF", 0, 1},         /* U+D7FF, just below surrogates */
        {"\xEE\x80\x80", 0, 1},         /* U+E000, just above */
        {"\xEF\xBF\xBF", 0, 1},         /* U+FFFF */
        {"\xF0\x90\x80\x80", 0, 1},     /* U+10000 */
        {"\xF4\x8F\xBF\xBF", 0, 1},     /* U+10FFFF, the last */
        {"\xF0\x9F\x98\x80", 0, 1},     /* emoji */
        {"\xC0\xAF", 0, 0},             /* overlong '/' */
        {"\xC1\xBF", 0, 0},             /* overlong */
        {"\xE0\x80\xAF", 0, 0},         /* overlong 3-byte */
        {"\xE0\x9F\xBF", 0, 0},         /* overlong 3-byte, top */
        {"\xF0\x80\x80\xAF", 0, 0},     /* overlong 4-byte */
        {"\xF0\x8F\xBF\xBF", 0, 0},     /* overlong 4-byte, top */
        {"\xED\xA0\x80", 0, 0},         /* U+D800 high surrogate */
        {"\xED\xBF\xBF", 0, 0},         /* U+DFFF low surrogate */
        {"\xF4\x90\x80\x80", 0, 0},     /* U+110000 */
        {"\xF5\x80\x80\x80", 0, 0},     /* lead beyond F4 */
        {"\xFF", 0, 0},
        {"\x80", 0, 0},                 /* lone continuation */
        {"a\xBF" "b", 0, 0},
        {"\xE5\x99", 0, 0},             /* truncated 3-byte */
        {"\xF0\x9F\x98", 0, 0},         /* truncated 4-byte */
        {"\xC2", 0, 0},                 /* truncated 2-byte */
        {"\xE5\x99\xAA", 2, 0},         /* cut by length */
        {"\xC2" "a", 0, 0},             /* bad continuation */
        {"\xE5" "a\xAA", 0, 0},
        {"a\0b", 3, 1},                 /* NUL is valid UTF-8 */
    };
    size_t i;
    size_t n;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        n = cases[i].n ? cases[i].n : strlen(cases[i].s);
        if (utf8_valid(cases[i].s, n) != cases[i].valid)
            fail_msg("case %zu: expected %d", i, cases[i].valid);
    }
}

static void
test_utf8_chars_prefix(void **state)
{
    const char *s = "a噪音\xF0\x9F\x98\x80z"; /* 5 code points, 1+3+3+4+1 bytes */
    size_t n = strlen(s);
    static const struct {
        size_t max;
        size_t bytes;
    } pre[] = {{0, 0}, {1, 1}, {2, 4}, {3, 7}, {4, 11}, {5, 12}, {99, 12}};
    size_t i;

    (void)state;
    assert_int_equal(utf8_chars(s, n), 5);
    assert_int_equal(utf8_chars("", 0), 0);
    for (i = 0; i < ARRAY_SIZE(pre); i++)
        assert_int_equal(utf8_prefix(s, n, pre[i].max), pre[i].bytes);
    /* a prefix is always valid: never cuts a sequence */
    for (i = 0; i <= 6; i++)
        assert_true(utf8_valid(s, utf8_prefix(s, n, i)));
    /* a limit of 4000 characters counts characters, not bytes */
    {
        char big[3 * 4001 + 1];

        for (i = 0; i < 4001; i++)
            memcpy(big + 3 * i, "音", 3);
        big[3 * 4001] = '\0';
        assert_int_equal(utf8_chars(big, 3 * 4000), 4000);
        assert_int_equal(utf8_prefix(big, 3 * 4001, 4000), 3 * 4000);
    }
}

/* --- buf -------------------------------------------------------------- */

static void
test_buf(void **state)
{
    struct buf b;
    char *p;
    size_t len;

    (void)state;
    buf_init(&b, 16);
    assert_non_null(b.data);
    assert_string_equal(b.data, ""); /* a string even before any add */
    buf_adds(&b, "hello");
    buf_addc(&b, ' ');
    buf_addf(&b, "%d-%s", 42, "x");
    assert_int_equal(b.failed, 0);
    assert_string_equal(b.data, "hello 42-x");
    assert_int_equal(b.len, 10);

    buf_addf(&b, "%s", "0123456789"); /* passes the limit of 16 */
    assert_int_equal(b.failed, 1);
    assert_string_equal(b.data, "hello 42-x"); /* unchanged, terminated */
    buf_adds(&b, "a");                          /* sticky: ignored */
    assert_int_equal(b.failed, 1);
    assert_int_equal(b.len, 10);

    buf_reset(&b);
    assert_int_equal(b.failed, 0);
    buf_add(&b, "0123456789abcdef", 16); /* exactly the limit */
    assert_int_equal(b.failed, 0);
    assert_int_equal(b.len, 16);
    buf_addc(&b, 'x');
    assert_int_equal(b.failed, 1);

    p = buf_detach(&b, &len);
    assert_int_equal(len, 16);
    assert_string_equal(p, "0123456789abcdef");
    free(p);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    buf_release(&b);

    /* growth across many appends; limit 0 takes nothing */
    buf_init(&b, 100000);
    for (len = 0; len < 10000; len++)
        buf_addf(&b, "%zu,", len % 10);
    assert_int_equal(b.len, 20000);
    assert_int_equal(b.failed, 0);
    buf_release(&b);
    buf_init(&b, 0);
    buf_adds(&b, "x");
    assert_int_equal(b.failed, 1);
    buf_release(&b);
}

static void
test_arena(void **state)
{
    struct arena a;
    char *s;
    unsigned char *big;
    size_t i;

    (void)state;
    arena_init(&a, 1 << 20);
    for (i = 0; i < 1000; i++) {
        void *p = arena_alloc(&a, i % 37 + 1);

        assert_int_equal((uintptr_t)p % 16, 0);
    }
    big = arena_alloc(&a, 100000);
    for (i = 0; i < 100000; i++)
        assert_int_equal(big[i], 0);
    s = arena_printf(&a, "%s-%d", "case", 7);
    assert_string_equal(s, "case-7");
    s = arena_strndup(&a, "abcdef", 3);
    assert_string_equal(s, "abc");
    s = arena_printf(&a, "%0300d", 1); /* longer than the fast path */
    assert_int_equal(strlen(s), 300);
    arena_release(&a);
    assert_null(a.head);
}

/* --- time ------------------------------------------------------------- */

static void
test_civil_round_trip(void **state)
{
    static const struct {
        int y, m, d;
        int64_t days;
    } known[] = {
        {1970, 1, 1, 0},      {1969, 12, 31, -1},  {2000, 2, 29, 11016},
        {2000, 3, 1, 11017},  {1900, 3, 1, -25508}, {2026, 11, 29, 20786},
        {2024, 2, 29, 19782}, {1, 1, 1, -719162},  {9999, 12, 31, 2932896},
    };
    int64_t d;
    int y, m, dd;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(known); i++) {
        assert_int_equal(time_days_from_civil(known[i].y, known[i].m,
                                              known[i].d),
                         known[i].days);
        time_civil_from_days(known[i].days, &y, &m, &dd);
        assert_int_equal(y, known[i].y);
        assert_int_equal(m, known[i].m);
        assert_int_equal(dd, known[i].d);
    }
    /* every day from 1899 to 2101 round-trips, and consecutive */
    for (d = time_days_from_civil(1899, 1, 1);
         d <= time_days_from_civil(2101, 1, 1); d++) {
        time_civil_from_days(d, &y, &m, &dd);
        assert_int_equal(time_days_from_civil(y, m, dd), d);
    }
}

static void
test_city_time(void **state)
{
    struct civil c;
    int64_t t;

    (void)state;
    /* 2026-11-28T17:00:00Z is 01:00 on the 29th in the city */
    assert_int_equal(time_parse("2026-11-28T17:00:00Z", &t), 0);
    time_city(t, &c);
    assert_int_equal(c.year, 2026);
    assert_int_equal(c.month, 11);
    assert_int_equal(c.day, 29);
    assert_int_equal(c.hour, 1);
    assert_int_equal(c.wday, 0); /* a Sunday */
    assert_int_equal(time_city_ymd(t), 20261129);
    /* city midnight of that day is 16:00Z on the 28th */
    assert_int_equal(time_city_midnight(t), t - 3600);
    /* one second before city midnight is still the 28th */
    assert_int_equal(time_city_ymd(t - 3601), 20261128);
    assert_int_equal(time_city_midnight(t - 3600), t - 3600);
    /* 1970-01-01 was a Thursday */
    time_city(0, &c);
    assert_int_equal(c.wday, 4);
    assert_int_equal(c.hour, 8);
    /* before the epoch */
    time_city(-1 - CITY_UTC_OFFSET, &c);
    assert_int_equal(c.year, 1969);
    assert_int_equal(c.hour, 23);
    assert_int_equal(c.sec, 59);
    assert_int_equal(c.wday, 3);
}

static void
test_iso(void **state)
{
    static const struct {
        const char *in;
        int ok;
        const char *iso; /* expected time_iso of the result */
    } cases[] = {
        {"2026-11-29T10:15:00+08:00", 1, "2026-11-29T10:15:00+08:00"},
        {"2026-11-29T02:15:00Z", 1, "2026-11-29T10:15:00+08:00"},
        {"2026-11-29T02:15:00z", 1, "2026-11-29T10:15:00+08:00"},
        {"2026-11-28T21:15:00-05:00", 1, "2026-11-29T10:15:00+08:00"},
        {"2026-11-29T10:15:00+0800", 1, "2026-11-29T10:15:00+08:00"},
        {"2026-11-29T10:15:00.123+08:00", 1, "2026-11-29T10:15:00+08:00"},
        {"2026-11-29T10:15+08:00", 1, "2026-11-29T10:15:00+08:00"},
        {"2026-11-29 10:15:00+08:00", 1, "2026-11-29T10:15:00+08:00"},
        {"2026-11-29T10:15:00", 1, "2026-11-29T10:15:00+08:00"}, /* city */
        {"2026-11-29", 1, "2026-11-29T00:00:00+08:00"},
        {"2024-02-29", 1, "2024-02-29T00:00:00+08:00"},
        {"1795918500", 1, "2026-11-29T10:15:00+08:00"},
        {"0", 1, "1970-01-01T08:00:00+08:00"},
        {"", 0, NULL},
        {"2026-13-01", 0, NULL},
        {"2026-02-29", 0, NULL},
        {"2026-11-31", 0, NULL},
        {"2026-00-10", 0, NULL},
        {"2026-11-29T24:00:00Z", 0, NULL},
        {"2026-11-29T10:60:00Z", 0, NULL},
        {"2026-11-29T10:15:61Z", 0, NULL},
        {"2026-11-29T10:15:00+15:00", 0, NULL},
        {"2026-11-29T10:15:00+08", 0, NULL},
        {"2026-11-29T10:15:00Zjunk", 0, NULL},
        {"2026-11-29T", 0, NULL},
        {"2026-11-29T10", 0, NULL},
        {"2026-1-29", 0, NULL},
        {"26-11-29", 0, NULL},
        {"2026/11/29", 0, NULL},
        {"-5", 0, NULL},
        {"12a", 0, NULL},
        {"99999999999999999999", 0, NULL},
        {" 2026-11-29", 0, NULL},
        {"2026-11-29T10:15:00.Z", 0, NULL},
    };
    char out[32];
    int64_t t;
    size_t i;
    int rc;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        rc = time_parse(cases[i].in, &t);
        if ((rc == 0) != cases[i].ok)
            fail_msg("\"%s\": expected %s", cases[i].in,
                     cases[i].ok ? "ok" : "failure");
        if (!cases[i].ok)
            continue;
        time_iso(t, out);
        if (strcmp(out, cases[i].iso) != 0)
            fail_msg("\"%s\": got %s, want %s", cases[i].in, out,
                     cases[i].iso);
    }
    time_iso(1795918500, out);
    assert_int_equal(strlen(out), 25);
    /* format then parse is the identity */
    for (t = -86400 * 3; t < 86400 * 400 * 60; t += 86400 * 13 + 3607) {
        int64_t back;

        time_iso(t, out);
        assert_int_equal(time_parse(out, &back), 0);
        assert_int_equal(back, t);
    }
}

/* --- parse_int64, masking, log level -------------------------------- */

static void
test_parse_int64(void **state)
{
    static const struct {
        const char *s;
        int64_t min, max;
        int ok;
        int64_t v;
    } cases[] = {
        {"0", 0, 10, 1, 0},
        {"10", 0, 10, 1, 10},
        {"11", 0, 10, 0, 0},
        {"-1", 0, 10, 0, 0},
        {"-1", -5, 10, 1, -1},
        {"+7", 0, 10, 1, 7},
        {"007", 0, 10, 1, 7},
        {"9223372036854775807", INT64_MIN, INT64_MAX, 1, INT64_MAX},
        {"9223372036854775808", INT64_MIN, INT64_MAX, 0, 0},
        {"-9223372036854775808", INT64_MIN, INT64_MAX, 1, INT64_MIN},
        {"-9223372036854775809", INT64_MIN, INT64_MAX, 0, 0},
        {"99999999999999999999999", INT64_MIN, INT64_MAX, 0, 0},
        {"", 0, 10, 0, 0},
        {"-", 0, 10, 0, 0},
        {"+", 0, 10, 0, 0},
        {" 1", 0, 10, 0, 0},
        {"1 ", 0, 10, 0, 0},
        {"1a", 0, 10, 0, 0},
        {"0x10", 0, 100, 0, 0},
        {"1.5", 0, 10, 0, 0},
        {"１", 0, 10, 0, 0}, /* full-width digit */
    };
    int64_t v;
    size_t i;
    int rc;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        v = -42;
        rc = parse_int64(cases[i].s, cases[i].min, cases[i].max, &v);
        if ((rc == 0) != cases[i].ok)
            fail_msg("\"%s\": expected %s", cases[i].s,
                     cases[i].ok ? "ok" : "failure");
        if (cases[i].ok)
            assert_int_equal(v, cases[i].v);
    }
    assert_int_equal(parse_int64(NULL, 0, 1, &v), -1);
}

static void
test_mask_phone(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"13800001234", "138****1234"},
        {"0416-1234567", "041****4567"},
        {"+86 138 0000 1234", "861****1234"},
        {"1234567", "****"},
        {"", "****"},
        {NULL, "****"},
        {"张先生", "****"},
    };
    char out[32];
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        log_mask_phone(cases[i].in, out);
        assert_string_equal(out, cases[i].out);
    }
}

static void
test_log_level(void **state)
{
    enum log_level l;

    (void)state;
    assert_int_equal(log_parse_level("debug", &l), 0);
    assert_int_equal(l, LOG_DEBUG);
    assert_int_equal(log_parse_level("error", &l), 0);
    assert_int_equal(l, LOG_ERROR);
    assert_int_equal(log_parse_level("loud", &l), -1);
    assert_string_equal(log_request_id(), "-");
    log_set_request_id("0123456789abcdef");
    assert_string_equal(log_request_id(), "0123456789abcdef");
    log_set_request_id(NULL);
    assert_string_equal(log_request_id(), "-");
}

/* Deadlines end at 24:00 city time: shown as that day, never the next. */
static void
test_deadline_text(void **state)
{
    /* 2026-12-10T00:00:00+08:00 = 24:00 on the 9th */
    int64_t midnight = time_days_from_civil(2026, 12, 10) * 86400 - CITY_UTC_OFFSET;
    char out[32];

    (void)state;
    time_deadline_text(midnight, 1, out);
    assert_string_equal(out, "2026-12-09 24:00");
    time_deadline_text(midnight, 0, out);
    assert_string_equal(out, "2026-12-09");
    time_deadline_text(midnight + 1, 1, out);
    assert_string_equal(out, "2026-12-10 00:00");
    time_deadline_text(midnight + 15 * 3600 + 30 * 60, 1, out);
    assert_string_equal(out, "2026-12-10 15:30");
    time_deadline_text(midnight + 15 * 3600, 0, out);
    assert_string_equal(out, "2026-12-10");
    /* New Year: 24:00 on 31 December */
    time_deadline_text(time_days_from_civil(2027, 1, 1) * 86400 - CITY_UTC_OFFSET,
                       1, out);
    assert_string_equal(out, "2026-12-31 24:00");
    time_deadline_text(0, 1, out);
    assert_string_equal(out, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_chars_prefix),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_civil_round_trip),
        cmocka_unit_test(test_city_time),
        cmocka_unit_test(test_iso),
        cmocka_unit_test(test_parse_int64),
        cmocka_unit_test(test_mask_phone),
        cmocka_unit_test(test_log_level),
        cmocka_unit_test(test_deadline_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
