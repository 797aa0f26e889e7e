/* test_ics.c — the iCalendar holiday import parser (deadline/ics.c). */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>

#include <cmocka.h>

#include "deadline/ics.h"

static int
parse(const char *text, struct calendar *c, struct err *e)
{
    calendar_init(c);
    err_clear(e);
    return ics_parse(text, strlen(text), c, e);
}

static void
test_basic_crlf_and_dtend_exclusive(void **state)
{
    struct calendar c;
    struct err e = ERR_INIT;
    const char *ics =
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:1@test\r\n"
        "DTSTART;VALUE=DATE:20260215\r\n"
        "DTEND;VALUE=DATE:20260224\r\n"
        "SUMMARY:春节\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\n"
        "DTSTART;VALUE=DATE:20260214\r\n"
        "SUMMARY:春节补班\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\n"
        "DTSTART:20260228\r\n"
        "SUMMARY:调休上班\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n";

    (void)state;
    assert_int_equal(parse(ics, &c, &e), 0);
    /* 15..23 (DTEND 24 is exclusive) + 14 + 28 */
    assert_int_equal(c.n, 11);
    assert_int_equal(calendar_find(&c, 20260215)->kind, CALENDAR_HOLIDAY);
    assert_int_equal(calendar_find(&c, 20260223)->kind, CALENDAR_HOLIDAY);
    assert_null(calendar_find(&c, 20260224));
    assert_int_equal(calendar_find(&c, 20260214)->kind, CALENDAR_WORKDAY);
    assert_int_equal(calendar_find(&c, 20260228)->kind, CALENDAR_WORKDAY);
    assert_string_equal(calendar_find(&c, 20260216)->name, "春节");
    calendar_release(&c);
}

static void
test_folded_lines_and_lf(void **state)
{
    struct calendar c;
    struct err e = ERR_INIT;
    /* LF line ends; SUMMARY folded over three lines (space and tab);
     * an escaped comma; a VALARM whose properties must be ignored */
    const char *ics =
        "BEGIN:VCALENDAR\n"
        "BEGIN:VEVENT\n"
        "DTSTART;VALUE=DATE:2026\n"
        " 1001\n"
        "DTEND;VALUE=DATE:20261008\n"
        "SUMMARY;LANGUAGE=zh-CN:国庆\n"
        " 节\\,中\n"
        "\t秋节\n"
        "BEGIN:VALARM\n"
        "SUMMARY:上班提醒\n"
        "TRIGGER:-PT15M\n"
        "END:VALARM\n"
        "END:VEVENT\n"
        "END:VCALENDAR";

    (void)state;
    assert_int_equal(parse(ics, &c, &e), 0);
    assert_int_equal(c.n, 7);
    /* the VALARM's 上班 did not turn the holiday into a working day */
    assert_int_equal(calendar_find(&c, 20261001)->kind, CALENDAR_HOLIDAY);
    assert_string_equal(calendar_find(&c, 20261007)->name, "国庆节,中秋节");
    calendar_release(&c);
}

static void
expect_error(const char *ics, const char *needle)
{
    struct calendar c;
    struct err e = ERR_INIT;

    assert_int_equal(parse(ics, &c, &e), -1);
    assert_int_equal(e.code, ERR_VALIDATION);
    assert_string_equal(e.field, "ics");
    if (!strstr(e.message, needle))
        fail_msg("message '%s' lacks '%s'", e.message, needle);
    calendar_release(&c);
}

static void
test_malformed(void **state)
{
    (void)state;
    expect_error("hello", "line 1: not NAME:VALUE");
    expect_error("VERSION:2.0\r\n", "line 1: expected BEGIN:VCALENDAR");
    expect_error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260230\r\n",
                 "line 3: DTSTART is not a date");
    expect_error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260101T090000\r\n",
                 "line 3: DTSTART is not a date");
    expect_error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE-TIME:20260101\r\n",
                 "line 3: DTSTART must be a date");
    expect_error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n",
                 "line 4: event without DTSTART (began on line 2)");
    expect_error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\n"
                 "DTEND;VALUE=DATE:20260105\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                 "line 5: DTEND is not after DTSTART");
    expect_error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\n"
                 "END:VEVENT\r\n",
                 "missing END:VCALENDAR");
    expect_error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\n",
                 "an event is not closed");
    expect_error(" folded\r\n", "line 1: continuation line");
    expect_error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\n"
                 "RRULE:FREQ=YEARLY\r\n",
                 "line 4: RRULE is not supported");
    /* one date, two kinds */
    expect_error("BEGIN:VCALENDAR\r\n"
                 "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\nSUMMARY:假\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\nSUMMARY:上班\r\nEND:VEVENT\r\n"
                 "END:VCALENDAR\r\n",
                 "line 9: 2026-01-05 is both a holiday and a working day");
    expect_error("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nX:1\r\n",
                 "line 3: content after END:VCALENDAR");
    expect_error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\n"
                 "DTEND;VALUE=DATE:20260601\r\nEND:VEVENT\r\n",
                 "longer than 60 days");
}

static void
test_bad_utf8_and_long_line(void **state)
{
    char *big;
    struct calendar c;
    struct err e = ERR_INIT;

    (void)state;
    expect_error("BEGIN:VCALENDAR\r\nSUMMARY:\xff\r\n", "not valid UTF-8");
    big = xmalloc(ICS_MAX_LINE + 64);
    memset(big, 'A', ICS_MAX_LINE + 63);
    memcpy(big, "BEGIN:VCALENDAR\r\nX:", 19);
    big[ICS_MAX_LINE + 63] = '\0';
    assert_int_equal(parse(big, &c, &e), -1);
    assert_non_null(strstr(e.message, "line 2: line too long"));
    calendar_release(&c);
    free(big);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_crlf_and_dtend_exclusive),
        cmocka_unit_test(test_folded_lines_and_lf),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_bad_utf8_and_long_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
