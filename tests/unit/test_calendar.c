/* test_calendar.c — the working-day calendar and the time-limit rules over
 * real edges of the official 2025/2026 schedules (loaded from the migration
 * through the store, so the seed data is tested too). */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>

#include <cmocka.h>

#include "db/db.h"
#include "deadline/calendar.h"
#include "deadline/rules.h"
#include "util/timeutil.h"

/* Epoch seconds of a city time; h may be 24 (= 00:00 the next day). */
static int64_t
city(int y, int mo, int d, int h, int mi)
{
    return time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 -
           CITY_UTC_OFFSET;
}

struct fixture {
    char dir[64];
    struct db *db;
    struct deadline_snapshot *snap;
};

static int
setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    struct err e = ERR_INIT;
    char path[128];

    snprintf(f->dir, sizeof(f->dir), "/tmp/test-calendar-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(path, sizeof(path), "%s/t.db", f->dir);
    deadline_cache_clear();
    if (db_open(path, &f->db, &e) < 0 || db_migrate(f->db, &e) < 0 ||
        deadline_snapshot_get(f->db, &f->snap, &e) < 0) {
        fprintf(stderr, "setup: %s\n", e.message);
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char path[128];

    deadline_snapshot_put(f->snap);
    deadline_cache_clear();
    db_close(f->db);
    snprintf(path, sizeof(path), "%s/t.db", f->dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/t.db-wal", f->dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/t.db-shm", f->dir);
    unlink(path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static int64_t
after(const struct calendar *c, int64_t t, int n)
{
    struct err e = ERR_INIT;
    int64_t out = 0;

    assert_int_equal(calendar_add_workdays(c, t, n, &out, &e), 0);
    return out;
}

static void
test_seed_schedule(void **state)
{
    struct fixture *f = *state;
    const struct calendar *c = &f->snap->cal;

    /* the official schedules: 248 working days in each year */
    assert_int_equal(calendar_year_workdays(c, 2025), 248);
    assert_int_equal(calendar_year_workdays(c, 2026), 248);
    assert_non_null(calendar_find(c, 20261010));
    assert_string_equal(calendar_find(c, 20260216)->name, "春节");
    /* a year with no exceptions is plain Monday–Friday */
    assert_int_equal(calendar_year_workdays(c, 2027), 261);
}

static void
test_spring_festival_2026(void **state)
{
    struct fixture *f = *state;
    const struct calendar *c = &f->snap->cal;

    assert_true(calendar_is_workday(c, 20260213));  /* Friday */
    assert_true(calendar_is_workday(c, 20260214));  /* make-up Saturday */
    for (int d = 15; d <= 23; d++)
        assert_false(calendar_is_workday(c, 20260200 + d));
    assert_true(calendar_is_workday(c, 20260224));
    assert_true(calendar_is_workday(c, 20260228));  /* make-up Saturday */
    assert_false(calendar_is_workday(c, 20260301)); /* Sunday */
    assert_false(calendar_is_workday(c, 20260221)); /* a holiday Saturday */

    /* consult, 3 working days from Friday 13 Feb: 14, 24, 25 */
    assert_int_equal(after(c, city(2026, 2, 13, 10, 0), 3),
                     city(2026, 2, 25, 24, 0));
    /* complain, 10: 14, 24–28 (28 a make-up Saturday), 2–5 Mar */
    assert_int_equal(after(c, city(2026, 2, 13, 10, 0), 10),
                     city(2026, 3, 5, 24, 0));
    /* dispatched on the holiday itself: the day never counts */
    assert_int_equal(after(c, city(2026, 2, 18, 9, 0), 1),
                     city(2026, 2, 24, 24, 0));
    /* sign limit 1 working day from Friday the 13th: the make-up Saturday */
    assert_int_equal(after(c, city(2026, 2, 13, 16, 0), 1),
                     city(2026, 2, 14, 24, 0));
}

static void
test_national_day_2026(void **state)
{
    struct fixture *f = *state;
    const struct calendar *c = &f->snap->cal;

    assert_true(calendar_is_workday(c, 20260920));  /* make-up Sunday */
    assert_false(calendar_is_workday(c, 20260925)); /* 中秋 Friday */
    assert_false(calendar_is_workday(c, 20261001));
    assert_false(calendar_is_workday(c, 20261007));
    assert_true(calendar_is_workday(c, 20261010));  /* make-up Saturday */
    /* help, 5 from Friday 18 Sep: 20 (Sun), 21, 22, 23, 24 */
    assert_int_equal(after(c, city(2026, 9, 18, 15, 0), 5),
                     city(2026, 9, 24, 24, 0));
    /* 5 from Tuesday 29 Sep: 30, 8 Oct, 9, 10 (Sat), 12 */
    assert_int_equal(after(c, city(2026, 9, 29, 9, 0), 5),
                     city(2026, 10, 12, 24, 0));
}

static void
test_midnight_city_time(void **state)
{
    struct fixture *f = *state;
    const struct calendar *c = &f->snap->cal;

    /* 23:59 and 00:01 city time are the same UTC date (15:59Z / 16:01Z)
     * but different city days: the deadline moves by one working day */
    assert_int_equal(after(c, city(2026, 3, 2, 23, 59), 3),
                     city(2026, 3, 5, 24, 0));
    assert_int_equal(after(c, city(2026, 3, 3, 0, 1), 3),
                     city(2026, 3, 6, 24, 0));
    assert_int_equal(after(c, city(2026, 3, 3, 0, 0), 3),
                     city(2026, 3, 6, 24, 0));
    /* a Friday 23:59 dispatch: Monday is the first day */
    assert_int_equal(after(c, city(2026, 3, 6, 23, 59), 1),
                     city(2026, 3, 9, 24, 0));
}

static void
test_year_boundary(void **state)
{
    struct fixture *f = *state;
    const struct calendar *c = &f->snap->cal;

    /* 5 from Tue 30 Dec 2025: 31 Dec, (1–3 Jan 元旦), 4 Jan (make-up
     * Sunday), 5, 6, 7 */
    assert_int_equal(after(c, city(2025, 12, 30, 10, 0), 5),
                     city(2026, 1, 7, 24, 0));
    /* working time between: the two years join up */
    assert_int_equal(calendar_workdays_between(c, city(2025, 12, 31, 0, 0),
                                               city(2026, 1, 6, 0, 0)),
                     3); /* 31 Dec, 4 Jan, 5 Jan */
}

static void
test_natural_hours(void **state)
{
    struct fixture *f = *state;
    const struct calendar *c = &f->snap->cal;
    struct tl_rule urgent = {0, "", "urgent", 0, 1, TL_WORKING_DAYS,
                             24, TL_NATURAL_HOURS, 1, 15};
    struct tl_rule emergency = {0, "", "emergency", 0, 30, TL_NATURAL_MINUTES,
                                2, TL_NATURAL_HOURS, 1, 15};
    struct err e = ERR_INIT;
    int64_t sign, due, t;

    /* across midnight, on a holiday: natural time ignores the calendar */
    t = city(2026, 2, 14, 23, 0);
    assert_int_equal(deadline_compute(c, &emergency, t, &sign, &due, &e), 0);
    assert_int_equal(due, city(2026, 2, 15, 1, 0));
    assert_int_equal(sign, city(2026, 2, 14, 23, 30));
    t = city(2026, 2, 14, 20, 30);
    assert_int_equal(deadline_compute(c, &urgent, t, &sign, &due, &e), 0);
    assert_int_equal(due, city(2026, 2, 15, 20, 30));
    /* the sign limit (1 working day: 24 Feb) is capped at the deadline */
    assert_int_equal(sign, due);
}

static void
test_extension_rule(void **state)
{
    struct fixture *f = *state;
    const struct calendar *c = &f->snap->cal;
    int64_t due = city(2026, 3, 6, 24, 0); /* end of Friday */

    /* RULE extension-2wd: at exactly 2 working days before the deadline
     * (Wednesday 24:00) still allowed; one minute later refused */
    assert_true(deadline_extension_allowed(c, due, city(2026, 3, 4, 24, 0)));
    assert_true(deadline_extension_allowed(c, due, city(2026, 3, 4, 23, 59)));
    assert_false(deadline_extension_allowed(c, due, city(2026, 3, 5, 0, 1)));
    assert_false(deadline_extension_allowed(c, due, due + 60));
    /* over a weekend: due end of Monday 9 Mar → Thursday 24:00 */
    due = city(2026, 3, 9, 24, 0);
    assert_true(deadline_extension_allowed(c, due, city(2026, 3, 5, 24, 0)));
    assert_false(deadline_extension_allowed(c, due, city(2026, 3, 6, 0, 1)));
    /* over the Spring Festival: due end of Tue 24 Feb; the working days
     * left from Sat 14 Feb 00:00 are the 14th and the 24th */
    due = city(2026, 2, 24, 24, 0);
    assert_true(deadline_extension_allowed(c, due, city(2026, 2, 13, 24, 0)));
    assert_false(deadline_extension_allowed(c, due, city(2026, 2, 14, 0, 1)));
    assert_true(calendar_within_last(c, city(2026, 2, 20, 12, 0), due, 2));
    /* an urgent (24 h) deadline never has 2 working days left */
    assert_false(deadline_extension_allowed(c, city(2026, 3, 3, 10, 0) + 86400,
                                            city(2026, 3, 3, 10, 0)));
}

static void
test_extension_moves_working_days(void **state)
{
    struct fixture *f = *state;
    const struct calendar *c = &f->snap->cal;
    struct err e = ERR_INIT;
    int64_t out;

    /* due end of Fri 13 Feb; +2 working days → 14 (Sat), 24 */
    assert_int_equal(deadline_extended(c, city(2026, 2, 13, 24, 0), 2, &out, &e),
                     0);
    assert_int_equal(out, city(2026, 2, 24, 24, 0));
    /* due end of Fri 6 Mar; +1 → Monday 9 Mar */
    assert_int_equal(deadline_extended(c, city(2026, 3, 6, 24, 0), 1, &out, &e),
                     0);
    assert_int_equal(out, city(2026, 3, 9, 24, 0));
}

static void
test_working_time(void **state)
{
    struct fixture *f = *state;
    const struct calendar *c = &f->snap->cal;

    /* Fri 12:00 → Mon 12:00: half of Friday + half of Monday */
    assert_int_equal(calendar_working_seconds(c, city(2026, 3, 6, 12, 0),
                                              city(2026, 3, 9, 12, 0)),
                     86400);
    assert_int_equal(calendar_working_seconds(c, city(2026, 3, 9, 0, 0),
                                              city(2026, 3, 6, 0, 0)),
                     0);
    /* the Spring Festival week has no working time */
    assert_int_equal(calendar_workdays_between(c, city(2026, 2, 15, 0, 0),
                                               city(2026, 2, 24, 0, 0)),
                     0);
}

static void
test_no_working_day(void **state)
{
    struct calendar c;
    struct err e = ERR_INIT;
    int64_t out;

    (void)state;
    calendar_init(&c);
    for (int64_t d = time_days_from_civil(2030, 1, 1);
         d < time_days_from_civil(2031, 3, 1); d++) {
        int y, m, dd;

        time_civil_from_days(d, &y, &m, &dd);
        calendar_add(&c, y * 10000 + m * 100 + dd, CALENDAR_HOLIDAY, "x");
    }
    calendar_finish(&c);
    assert_true(calendar_add_workdays(&c, city(2030, 1, 1, 9, 0), 1, &out,
                                      &e) < 0);
    assert_int_equal(e.code, ERR_INTERNAL);
    calendar_release(&c);
}

static void
test_calendar_build(void **state)
{
    struct calendar c;

    (void)state;
    calendar_init(&c);
    calendar_add(&c, 20260105, CALENDAR_HOLIDAY, "b");
    calendar_add(&c, 20260103, CALENDAR_WORKDAY, "a");
    calendar_add(&c, 20260105, CALENDAR_WORKDAY, "later wins");
    calendar_finish(&c);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.days[0].ymd, 20260103);
    assert_string_equal(calendar_find(&c, 20260105)->name, "later wins");
    assert_true(calendar_is_workday(&c, 20260103)); /* a Saturday made working */
    assert_false(calendar_ymd_valid(20260230));
    assert_false(calendar_ymd_valid(20261301));
    assert_true(calendar_ymd_valid(20240229));
    assert_false(calendar_ymd_valid(20250229));
    calendar_release(&c);
}

static void
test_specificity(void **state)
{
    /* RULE tl-specificity */
    const struct tl_rule rules[] = {
        {1, "", "", 0, 1, TL_WORKING_DAYS, 10, TL_WORKING_DAYS, 1, 15},
        {2, "consult", "", 0, 1, TL_WORKING_DAYS, 3, TL_WORKING_DAYS, 1, 15},
        {3, "", "emergency", 0, 30, TL_NATURAL_MINUTES, 2, TL_NATURAL_HOURS, 1, 15},
        {4, "", "", 40, 1, TL_WORKING_DAYS, 7, TL_WORKING_DAYS, 1, 15},
        {5, "", "", 41, 1, TL_WORKING_DAYS, 4, TL_WORKING_DAYS, 1, 15},
        {6, "complain", "", 40, 1, TL_WORKING_DAYS, 6, TL_WORKING_DAYS, 1, 15},
        {7, "complain", "emergency", 0, 10, TL_NATURAL_MINUTES, 1, TL_NATURAL_HOURS, 1, 15},
    };
    const int64_t heat[] = {40};        /* category 40 */
    const int64_t heat_sub[] = {41, 40}; /* 41 below 40 */
    const int64_t other[] = {99};
    size_t n = ARRAY_SIZE(rules);

    (void)state;
    /* the wildcard when nothing else matches */
    assert_int_equal(deadline_rule_match(rules, n, "help", "normal", other, 1)->id, 1);
    assert_int_equal(deadline_rule_match(rules, n, "help", "normal", NULL, 0)->id, 1);
    /* type beats the wildcard */
    assert_int_equal(deadline_rule_match(rules, n, "consult", "normal", NULL, 0)->id, 2);
    /* a category beats a type */
    assert_int_equal(deadline_rule_match(rules, n, "consult", "normal", heat, 1)->id, 4);
    /* category + type beats category alone */
    assert_int_equal(deadline_rule_match(rules, n, "complain", "normal", heat, 1)->id, 6);
    /* a nearer category beats an ancestor's, even with a type on the latter */
    assert_int_equal(deadline_rule_match(rules, n, "complain", "normal", heat_sub, 2)->id, 5);
    /* an ancestor's rule covers the subcategory */
    assert_int_equal(deadline_rule_match(rules, n, "help", "normal", heat_sub + 1, 1)->id, 4);
    /* urgency beats any category */
    assert_int_equal(deadline_rule_match(rules, n, "help", "emergency", heat_sub, 2)->id, 3);
    /* urgency + type beats urgency alone */
    assert_int_equal(deadline_rule_match(rules, n, "complain", "emergency", heat, 1)->id, 7);
    assert_null(deadline_rule_match(rules + 1, 1, "help", "normal", NULL, 0));
}

static void
test_seed_rules(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *type, *urgency;
        int handle;
        enum tl_unit unit;
    } want[] = {
        {"consult", "normal", 3, TL_WORKING_DAYS},
        {"help", "normal", 5, TL_WORKING_DAYS},
        {"complain", "normal", 10, TL_WORKING_DAYS},
        {"report", "normal", 10, TL_WORKING_DAYS},
        {"suggest", "normal", 15, TL_WORKING_DAYS},
        {"praise", "normal", 5, TL_WORKING_DAYS},
        {"other", "normal", 10, TL_WORKING_DAYS},
        {"suggest", "urgent", 24, TL_NATURAL_HOURS},
        {"consult", "emergency", 2, TL_NATURAL_HOURS},
    };
    const struct tl_rule *r;

    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        r = deadline_rule_match(f->snap->rules, f->snap->nrules, want[i].type,
                                want[i].urgency, NULL, 0);
        assert_non_null(r);
        assert_int_equal(r->handle_limit, want[i].handle);
        assert_int_equal(r->handle_unit, want[i].unit);
        assert_int_equal(r->return_window, 1);
    }
    r = deadline_rule_match(f->snap->rules, f->snap->nrules, "help",
                            "emergency", NULL, 0);
    assert_int_equal(r->sign_limit, 30);
    assert_int_equal(r->sign_unit, TL_NATURAL_MINUTES);
}

/* A change bumps the version; the next snapshot has it. Also the figures
 * for docs/time-limits.md: a cached get vs a reload. */
static void
test_snapshot_reload(void **state)
{
    struct fixture *f = *state;
    struct deadline_snapshot *s;
    struct calendar_day d = {20270104, CALENDAR_HOLIDAY, "测试"};
    struct err e = ERR_INIT;
    int year = 2027;
    struct timespec t0, t1;
    double cached_us, load_us;
    const int N = 2000, M = 200;

    assert_int_equal(deadline_calendar_store(f->db, &year, 1, &d, 1, 0, &e), 0);
    assert_int_equal(deadline_snapshot_get(f->db, &s, &e), 0);
    assert_true(s->version > f->snap->version);
    assert_false(calendar_is_workday(&s->cal, 20270104));
    assert_true(calendar_is_workday(&f->snap->cal, 20270104)); /* the old one is intact */
    deadline_snapshot_put(s);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < N; i++) {
        assert_int_equal(deadline_snapshot_get(f->db, &s, &e), 0);
        deadline_snapshot_put(s);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cached_us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / N;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < M; i++) {
        deadline_cache_clear();
        assert_int_equal(deadline_snapshot_get(f->db, &s, &e), 0);
        deadline_snapshot_put(s);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    load_us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / M;
    fprintf(stderr, "# snapshot: cached get %.1f us, full reload %.1f us (ASan build)\n",
            cached_us, load_us);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_schedule),
        cmocka_unit_test(test_spring_festival_2026),
        cmocka_unit_test(test_national_day_2026),
        cmocka_unit_test(test_midnight_city_time),
        cmocka_unit_test(test_year_boundary),
        cmocka_unit_test(test_natural_hours),
        cmocka_unit_test(test_extension_rule),
        cmocka_unit_test(test_extension_moves_working_days),
        cmocka_unit_test(test_working_time),
        cmocka_unit_test(test_seed_rules),
        cmocka_unit_test(test_snapshot_reload),
    };
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_no_working_day),
        cmocka_unit_test(test_calendar_build),
        cmocka_unit_test(test_specificity),
    };
    int rc = cmocka_run_group_tests(pure, NULL, NULL);

    return rc | cmocka_run_group_tests(tests, setup, teardown);
}
