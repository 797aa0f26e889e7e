/* test_rules.c — case numbers, query codes, phones, deadlines, warnings. */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>

#include <cmocka.h>

#include "cases/rules.h"
#include "util/timeutil.h"

/* 2026-11-29T10:15:00+08:00 */
static int64_t
city(int y, int mo, int d, int h, int mi)
{
    return time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 -
           CITY_UTC_OFFSET;
}

static void
test_case_no(void **state)
{
    char out[24];

    (void)state;
    case_no_format(20261129, 123, out);
    assert_string_equal(out, "JZ20261129000123");
    assert_true(case_no_shape(out));
    case_no_format(20260101, 999999, out);
    assert_string_equal(out, "JZ20260101999999");
    assert_false(case_no_shape("JZ2026112900012"));   /* short */
    assert_false(case_no_shape("JZ2026112900012X"));  /* not a digit */
    assert_false(case_no_shape("XX20261129000123"));
    assert_false(case_no_shape("123"));
    /* the city day, not the UTC day: 23:30 UTC on the 28th is the 29th */
    assert_int_equal(time_city_ymd(city(2026, 11, 29, 7, 30)), 20261129);
    assert_int_equal(time_city_ymd(city(2026, 11, 29, 0, 0)), 20261129);
    assert_int_equal(time_city_ymd(city(2026, 11, 28, 23, 59)), 20261128);
}

static void
test_query_code(void **state)
{
    char a[8], b[8];
    int same = 0;

    (void)state;
    for (int i = 0; i < 50; i++) {
        case_query_code(a);
        case_query_code(b);
        assert_int_equal(strlen(a), 6);
        for (int k = 0; k < 6; k++)
            assert_true(a[k] >= '0' && a[k] <= '9');
        same += strcmp(a, b) == 0;
    }
    /* random, not a counter: 50 pairs of 6-digit codes almost never match */
    assert_true(same < 3);
}

static void
test_phone(void **state)
{
    static const char *const good[] = {"13800001234", "19912345678",
                                       "0416-1234567", "04161234567",
                                       "010-12345678", "02112345678"};
    static const char *const bad[] = {
        "",           "12345678901", "1380000123",   "138000012345",
        "1380000123a", "+8613800001234", "0416-123456", "0416--1234567",
        "416-1234567", "138 0000 1234", "0416-123456789"};

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(good); i++)
        assert_true(case_phone_valid(good[i]));
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        assert_false(case_phone_valid(bad[i]));
    assert_false(case_phone_valid(NULL));
}

static void
test_vocabularies(void **state)
{
    (void)state;
    assert_true(case_type_valid("complain"));
    assert_false(case_type_valid("Complain"));
    assert_true(case_urgency_valid("emergency"));
    assert_false(case_urgency_valid("high"));
    assert_true(case_channel_valid("mayor_mailbox"));
    assert_false(case_channel_valid("Web"));
    assert_false(case_channel_valid(""));
    assert_true(case_code_valid("0301"));
    assert_false(case_code_valid("03%"));
    assert_false(case_code_valid("01234567890123456"));
}

/* Deadlines and RULE extension-2wd: tests/unit/test_calendar.c. */

static void
test_warning(void **state)
{
    int64_t now = city(2026, 11, 29, 10, 0);

    (void)state;
    assert_string_equal(case_warning("handling", 0, now + 3 * 86400, now), "none");
    assert_string_equal(case_warning("handling", 0, now + 3600, now), "yellow");
    assert_string_equal(case_warning("handling", 0, now - 1, now), "red");
    /* not signed in time is red even with handling time left */
    assert_string_equal(case_warning("dispatched", now - 1, now + 5 * 86400, now),
                        "red");
    assert_string_equal(case_warning("handling", now - 1, now + 5 * 86400, now),
                        "none");
    /* only open cases at a unit carry warnings */
    assert_string_equal(case_warning("replied", 0, now - 1, now), "none");
    assert_string_equal(case_warning("closed", 0, now - 1, now), "none");
}

static void
test_title(void **state)
{
    char out[128];

    (void)state;
    case_title_from("小区夜间施工噪音扰民", out, sizeof(out));
    assert_string_equal(out, "小区夜间施工噪音扰民");
    case_title_from("  第一行\n第二行", out, sizeof(out));
    assert_string_equal(out, "第一行…");
    /* 40 characters: cut at 30, never inside a character */
    case_title_from("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
                    out, sizeof(out));
    assert_string_equal(out, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十…");
    case_title_from("一二三四五", out, 8);
    assert_string_equal(out, "一");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_no),    cmocka_unit_test(test_query_code),
        cmocka_unit_test(test_phone),      cmocka_unit_test(test_vocabularies),
        cmocka_unit_test(test_warning),    cmocka_unit_test(test_title),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
