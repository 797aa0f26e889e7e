/* test_tick.c — the tick's pure decision over the real 2026 calendar edges:
 * yellow/red moments, RULE tick-auto-urge (the working day after the day
 * the deadline passed), RULE tick-escalate-5wd, next_check. */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>

#include <cmocka.h>

#include "deadline/calendar.h"
#include "deadline/tick.h"
#include "util/timeutil.h"

static int64_t
city(int y, int mo, int d, int h, int mi)
{
    return time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 -
           CITY_UTC_OFFSET;
}

/* 2026 National Day: 1–7 Oct holidays, Sun 20 Sep and Sat 10 Oct worked. */
static struct calendar cal;

static int
setup(void **state)
{
    (void)state;
    calendar_init(&cal);
    for (int d = 1; d <= 7; d++)
        calendar_add(&cal, 20261000 + d, CALENDAR_HOLIDAY, "国庆节");
    calendar_add(&cal, 20260920, CALENDAR_WORKDAY, "调休");
    calendar_add(&cal, 20261010, CALENDAR_WORKDAY, "调休");
    calendar_finish(&cal);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    calendar_release(&cal);
    return 0;
}

static void
test_yellow_from(void **state)
{
    (void)state;
    /* deadline 24:00 Wed 25 Nov: yellow from 00:00 Wed */
    assert_int_equal(tick_yellow_from(&cal, city(2026, 11, 26, 0, 0), 1),
                     city(2026, 11, 25, 0, 0));
    /* deadline 24:00 Mon 30 Nov: 1 working day = Monday; 2 = Friday too */
    assert_int_equal(tick_yellow_from(&cal, city(2026, 12, 1, 0, 0), 1),
                     city(2026, 11, 30, 0, 0));
    assert_int_equal(tick_yellow_from(&cal, city(2026, 12, 1, 0, 0), 2),
                     city(2026, 11, 27, 0, 0));
    /* deadline 24:00 Thu 8 Oct after the holiday: 2 days back skips 1–7 Oct
     * and lands on Wed 30 Sep */
    assert_int_equal(tick_yellow_from(&cal, city(2026, 10, 9, 0, 0), 2),
                     city(2026, 9, 30, 0, 0));
    /* natural-hour deadline 15:00 Tue: 24 working hours back = 15:00 Mon */
    assert_int_equal(tick_yellow_from(&cal, city(2026, 11, 24, 15, 0), 1),
                     city(2026, 11, 23, 15, 0));
}

static void
test_urge_and_escalate_at(void **state)
{
    struct err e = ERR_INIT;
    int64_t x;

    (void)state;
    /* RULE tick-auto-urge: deadline 24:00 Mon 23 Nov (passes at Tue 00:00):
     * urged Wed 00:00 */
    assert_int_equal(tick_urge_at(&cal, city(2026, 11, 24, 0, 0)),
                     city(2026, 11, 25, 0, 0));
    /* deadline 24:00 Fri 27 Nov: red Saturday, urged Monday */
    assert_int_equal(tick_urge_at(&cal, city(2026, 11, 28, 0, 0)),
                     city(2026, 11, 30, 0, 0));
    /* deadline 24:00 Wed 30 Sep: red 1 Oct (holiday), urged Thu 8 Oct */
    assert_int_equal(tick_urge_at(&cal, city(2026, 10, 1, 0, 0)),
                     city(2026, 10, 8, 0, 0));
    /* RULE tick-escalate-5wd: deadline Mon 23 Nov -> 24:00 Mon 30 Nov */
    assert_int_equal(tick_escalate_at(&cal, city(2026, 11, 24, 0, 0), &x, &e), 0);
    assert_int_equal(x, city(2026, 12, 1, 0, 0));
    /* deadline Wed 30 Sep -> 8, 9, 10 (Sat, worked), 12, 13 Oct */
    assert_int_equal(tick_escalate_at(&cal, city(2026, 10, 1, 0, 0), &x, &e), 0);
    assert_int_equal(x, city(2026, 10, 14, 0, 0));
}

static void
test_decide(void **state)
{
    struct tick_input in = {TICK_HANDLING, 1, 0, city(2026, 11, 26, 0, 0), 0, 0};
    struct tick_decision d;
    struct err e = ERR_INIT;
    int64_t due = in.due;

    (void)state;
    /* Monday: nothing yet; look again when yellow starts */
    assert_int_equal(tick_decide(&cal, &in, city(2026, 11, 23, 9, 0), 1, &d, &e), 0);
    assert_int_equal(d.level, TICK_NONE);
    assert_int_equal(d.next_check, city(2026, 11, 25, 0, 0));
    /* Wednesday noon: yellow, next at the deadline */
    tick_decide(&cal, &in, city(2026, 11, 25, 12, 0), 1, &d, &e);
    assert_int_equal(d.level, TICK_YELLOW);
    assert_int_equal(d.next_check, due);
    assert_false(d.urge);
    /* Thursday: red, no urge yet; next at the urge moment (Friday 00:00) */
    tick_decide(&cal, &in, city(2026, 11, 26, 9, 0), 1, &d, &e);
    assert_int_equal(d.level, TICK_RED);
    assert_false(d.urge);
    assert_int_equal(d.next_check, city(2026, 11, 27, 0, 0));
    /* Friday: urge, for this deadline */
    tick_decide(&cal, &in, city(2026, 11, 27, 9, 0), 1, &d, &e);
    assert_true(d.urge);
    assert_int_equal(d.urge_for, due);
    assert_false(d.urge_of_sign);
    /* once urged: no second urge; next = the escalation moment
     * (5 working days after Wed 25 Nov: 26, 27, 30, 1, 2 -> 24:00 Wed 2 Dec) */
    in.urged_for = due;
    tick_decide(&cal, &in, city(2026, 11, 27, 9, 0), 1, &d, &e);
    assert_false(d.urge);
    assert_false(d.escalate);
    assert_int_equal(d.next_check, city(2026, 12, 3, 0, 0));
    tick_decide(&cal, &in, city(2026, 12, 3, 0, 0), 1, &d, &e);
    assert_true(d.escalate);
    in.escalated_for = due;
    tick_decide(&cal, &in, city(2026, 12, 3, 0, 0), 1, &d, &e);
    assert_false(d.escalate);
    assert_false(d.urge);
    assert_int_equal(d.next_check, 0); /* nothing left to watch */
    assert_int_equal(d.level, TICK_RED);
    /* an extension moves the deadline: the marks start again */
    in.due = city(2026, 12, 11, 0, 0);
    tick_decide(&cal, &in, city(2026, 12, 3, 9, 0), 1, &d, &e);
    assert_int_equal(d.level, TICK_NONE);
    assert_true(d.next_check > city(2026, 12, 3, 9, 0));
}

static void
test_decide_sign_and_roles(void **state)
{
    struct tick_input in = {TICK_DISPATCHED, 1, city(2026, 11, 24, 0, 0),
                            city(2026, 12, 5, 0, 0), 0, 0};
    struct tick_decision d;
    struct err e = ERR_INIT;

    (void)state;
    /* unsigned past the sign deadline: red for signing */
    tick_decide(&cal, &in, city(2026, 11, 24, 9, 0), 1, &d, &e);
    assert_int_equal(d.level, TICK_RED);
    assert_true(d.of_sign);
    assert_int_equal(d.deadline, in.sign_due);
    tick_decide(&cal, &in, city(2026, 11, 25, 9, 0), 1, &d, &e);
    assert_true(d.urge);
    assert_true(d.urge_of_sign);
    /* signed: the sign deadline no longer counts */
    in.status = TICK_HANDLING;
    tick_decide(&cal, &in, city(2026, 11, 25, 9, 0), 1, &d, &e);
    assert_int_equal(d.level, TICK_NONE);
    assert_false(d.urge);
    /* an assist is marked, never urged or escalated */
    in.lead = 0;
    in.due = city(2026, 11, 1, 0, 0);
    tick_decide(&cal, &in, city(2026, 11, 25, 9, 0), 1, &d, &e);
    assert_int_equal(d.level, TICK_RED);
    assert_false(d.urge);
    assert_false(d.escalate);
    /* replied / returned / closed: nothing, never again */
    in.status = TICK_OTHER;
    tick_decide(&cal, &in, city(2026, 11, 25, 9, 0), 1, &d, &e);
    assert_int_equal(d.level, TICK_NONE);
    assert_int_equal(d.next_check, 0);
    assert_string_equal(tick_level_name(TICK_YELLOW), "yellow");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yellow_from),
        cmocka_unit_test(test_urge_and_escalate_at),
        cmocka_unit_test(test_decide),
        cmocka_unit_test(test_decide_sign_and_roles),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
