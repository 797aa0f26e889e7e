/* timeutil.h — epoch seconds, city dates and ISO 8601 (pure, no libc TZ).
 *
 * All stored times are UTC epoch seconds. The city time zone is
 * Asia/Shanghai, which has had a fixed +08:00 offset with no DST since 1991,
 * so a constant offset is exact for every date this system handles.
 */
#ifndef HOTLINE_TIMEUTIL_H
#define HOTLINE_TIMEUTIL_H

#include <stdint.h>
#include <stddef.h>

#define CITY_UTC_OFFSET (8 * 3600)

struct civil {
    int year, month, day; /* 1-based month and day */
    int hour, min, sec;
    int wday;             /* 0 = Sunday */
};

int64_t time_now(void);
/* Test clock: time_now() is the real time plus an offset (an atomic load).
 * Only after time_test_clock_enable() — `hotline serve --test-clock`, never
 * a default — may time_advance() move it forward (0, or -1 when refused). */
void time_test_clock_enable(void);
int time_test_clock_enabled(void);
int time_advance(int64_t seconds);
int64_t time_offset(void);
/* Days since 1970-01-01 for a civil date, and back (proleptic Gregorian). */
int64_t time_days_from_civil(int y, int m, int d);
void time_civil_from_days(int64_t days, int *y, int *m, int *d);
/* Epoch seconds -> city-local civil time. */
void time_city(int64_t t, struct civil *c);
/* City-local midnight (00:00 +08:00) of the city day containing t. */
int64_t time_city_midnight(int64_t t);
/* City date of t as YYYYMMDD. */
int time_city_ymd(int64_t t);
/* Writes "2026-11-29T10:15:00+08:00" (26 bytes incl. NUL). */
void time_iso(int64_t t, char out[32]);
/* A deadline as people read it, in city time. Deadlines end at 24:00 of a
 * day, which is 00:00 of the next: "2026-12-09 24:00", not "2026-12-10
 * 00:00". With with_time = 0 only the date of the last day that counts
 * ("2026-12-09"). Other times print as "2026-12-09 15:30". 0 gives "". */
void time_deadline_text(int64_t t, int with_time, char out[32]);
/* Parses ISO 8601 with offset (or Z), a date "YYYY-MM-DD" (city midnight),
 * or decimal epoch seconds. 0 on success, -1 if malformed. */
int time_parse(const char *s, int64_t *out);

#endif
