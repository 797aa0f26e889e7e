/* calendar.h — the working-day calendar (pure: no I/O, no globals).
 *
 * A working day is Monday–Friday, minus the holidays, plus the make-up
 * working days (调休) of the exceptions table, in the city's time zone
 * (Asia/Shanghai, fixed +08:00, util/timeutil.h). The caller fills a struct
 * calendar with the exceptions (deadline/rules.c loads them from the store
 * and caches an immutable copy) and passes it to every function here.
 *
 * Definitions (DESIGN.md §4, docs/time-limits.md):
 * - "N working days after T" ends at 24:00 city time of the N-th working day
 *   after T's city day (T's own day never counts, working or not).
 * - "working time between A and B" is the part of [A, B) that falls on
 *   working days; "working days between A and B" is that in whole days.
 * - "T lies within the last N working days before D" when less than N whole
 *   working days of time remain between T and D.
 */
#ifndef HOTLINE_DEADLINE_CALENDAR_H
#define HOTLINE_DEADLINE_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define CALENDAR_DAY_SECONDS 86400
/* The longest stretch searched for the next working day: a calendar with
 * no working day in a year is broken, not slow. */
#define CALENDAR_MAX_GAP_DAYS 366
#define CALENDAR_NAME_MAX 50 /* characters */

enum calendar_kind { CALENDAR_HOLIDAY, CALENDAR_WORKDAY };

struct calendar_day {
    int ymd;                 /* YYYYMMDD, city date */
    enum calendar_kind kind;
    char name[CALENDAR_NAME_MAX * 4 + 1];
};

struct calendar {
    struct calendar_day *days; /* sorted by ymd, unique (calendar_finish) */
    size_t n, alloc;
};

void calendar_init(struct calendar *c);
void calendar_release(struct calendar *c);
/* Appends an exception (any order); calendar_finish sorts them. A later
 * entry for the same date replaces an earlier one. */
void calendar_add(struct calendar *c, int ymd, enum calendar_kind kind,
                  const char *name);
void calendar_finish(struct calendar *c);

const char *calendar_kind_name(enum calendar_kind k);
/* 0 and *out set, or -1 for an unknown name. */
int calendar_kind_parse(const char *s, enum calendar_kind *out);
/* 1 when ymd is a real date (YYYYMMDD, year 1970..9999). */
int calendar_ymd_valid(int ymd);
/* The exception of a date, or NULL. */
const struct calendar_day *calendar_find(const struct calendar *c, int ymd);

/* 1 when the city date (days since 1970-01-01) is a working day. */
int calendar_is_workday_days(const struct calendar *c, int64_t days);
int calendar_is_workday(const struct calendar *c, int ymd);
/* Working days in a calendar year. */
int calendar_year_workdays(const struct calendar *c, int year);

/* End (24:00 city time) of the n-th working day after t's city day, n >= 1.
 * 0 and *out set; < 0 (ERR_INTERNAL) when no working day exists within
 * CALENDAR_MAX_GAP_DAYS. */
int calendar_add_workdays(const struct calendar *c, int64_t t, int n,
                          int64_t *out, struct err *e);
/* Seconds of [a, b) that lie on working days (0 when b <= a). */
int64_t calendar_working_seconds(const struct calendar *c, int64_t a,
                                 int64_t b);
/* Whole working days of time between a and b. */
int64_t calendar_workdays_between(const struct calendar *c, int64_t a,
                                  int64_t b);
/* 1 when t lies within the last n working days before the deadline d (less
 * than n whole working days of time remain), or after d. */
int calendar_within_last(const struct calendar *c, int64_t t, int64_t d,
                         int n);

/* Natural-time limits: t plus hours / minutes (no calendar). */
int64_t calendar_add_hours(int64_t t, int hours);
int64_t calendar_add_minutes(int64_t t, int minutes);

#endif
