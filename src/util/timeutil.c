/* timeutil.c — civil dates (Howard Hinnant's algorithms), city time, ISO 8601.
 *
 * days_from_civil / civil_from_days are the public-domain algorithms from
 * http://howardhinnant.github.io/date_algorithms.html: exact for the whole
 * proleptic Gregorian calendar, no tables, no libc time zone state.
 */
#include "common.h"

#include <stdatomic.h>
#include <time.h>

#include "util/timeutil.h"

#define DAY_SECONDS 86400

/* Latest accepted time: 9999-12-31T23:59:59Z. */
#define TIME_MAX_EPOCH INT64_C(253402300799)
/* Earliest accepted: 0001-01-01T00:00:00Z. */
#define TIME_MIN_EPOCH INT64_C(-62135596800)
/* The last instant time_iso can print in city time: 9999-12-31T23:59:59+08:00.
 * time_parse accepts nothing it could not print back. */
#define TIME_PARSE_MAX (TIME_MAX_EPOCH - CITY_UTC_OFFSET)

/* --- test clock (notifications/tick work, docs/tick.md) ---------------
 * time_now() adds an offset that only a process which called
 * time_test_clock_enable() (hotline serve --test-clock) may move. */
static _Atomic int64_t clock_offset;
static _Atomic int clock_movable;

void
time_test_clock_enable(void)
{
    atomic_store(&clock_movable, 1);
}

int
time_test_clock_enabled(void)
{
    return atomic_load_explicit(&clock_movable, memory_order_relaxed);
}

int
time_advance(int64_t seconds)
{
    if (!time_test_clock_enabled() || seconds < 0)
        return -1;
    atomic_fetch_add(&clock_offset, seconds);
    return 0;
}

int64_t
time_offset(void)
{
    return atomic_load_explicit(&clock_offset, memory_order_relaxed);
}
/* --- end test clock --------------------------------------------------- */

int64_t
time_now(void)
{
    struct timespec ts;
    int64_t off = atomic_load_explicit(&clock_offset, memory_order_relaxed);

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return (int64_t)time(NULL) + off;
    return (int64_t)ts.tv_sec + off;
}

/* floor(a / b) for b > 0 */
static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b) != 0 && a < 0)
        q--;
    return q;
}

int64_t
time_days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = floor_div(yy, 400);
    int64_t yoe = yy - era * 400;                                  /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */

    return era * 146097 + doe - 719468;
}

void
time_civil_from_days(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097; /* [0, 146096] */
    int64_t yoe =
        (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);     /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                          /* [0, 11] */
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;                 /* [1, 31] */
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;                    /* [1, 12] */

    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

void
time_city(int64_t t, struct civil *c)
{
    int64_t local = t + CITY_UTC_OFFSET;
    int64_t days = floor_div(local, DAY_SECONDS);
    int64_t secs = local - days * DAY_SECONDS;

    time_civil_from_days(days, &c->year, &c->month, &c->day);
    c->hour = (int)(secs / 3600);
    c->min = (int)(secs / 60 % 60);
    c->sec = (int)(secs % 60);
    /* 1970-01-01 was a Thursday (4) */
    c->wday = (int)(((days % 7) + 11) % 7);
}

int64_t
time_city_midnight(int64_t t)
{
    int64_t local = t + CITY_UTC_OFFSET;

    return floor_div(local, DAY_SECONDS) * DAY_SECONDS - CITY_UTC_OFFSET;
}

int
time_city_ymd(int64_t t)
{
    struct civil c;

    time_city(t, &c);
    return c.year * 10000 + c.month * 100 + c.day;
}

/* Writes n decimal digits of v (zero-padded) to p. */
static char *
put_digits(char *p, int v, int n)
{
    int i;

    for (i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

void
time_iso(int64_t t, char out[32])
{
    struct civil c;
    char *p = out;

    if (t < TIME_MIN_EPOCH)
        t = TIME_MIN_EPOCH;
    if (t > TIME_MAX_EPOCH - CITY_UTC_OFFSET)
        t = TIME_MAX_EPOCH - CITY_UTC_OFFSET;
    time_city(t, &c);
    p = put_digits(p, c.year, 4);
    *p++ = '-';
    p = put_digits(p, c.month, 2);
    *p++ = '-';
    p = put_digits(p, c.day, 2);
    *p++ = 'T';
    p = put_digits(p, c.hour, 2);
    *p++ = ':';
    p = put_digits(p, c.min, 2);
    *p++ = ':';
    p = put_digits(p, c.sec, 2);
    memcpy(p, "+08:00", 7);
}

/* Reads exactly n digits; -1 if any is not a digit. */
static int
get_digits(const char **sp, int n, int *out)
{
    const char *s = *sp;
    int v = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *sp = s + n;
    *out = v;
    return 0;
}

static int
days_in_month(int y, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : mdays[m - 1];
}

/* "YYYY-MM-DD" at *sp; advances. */
static int
parse_date(const char **sp, int *y, int *m, int *d)
{
    const char *s = *sp;

    if (get_digits(&s, 4, y) < 0 || *s++ != '-' || get_digits(&s, 2, m) < 0 ||
        *s++ != '-' || get_digits(&s, 2, d) < 0)
        return -1;
    if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return -1;
    *sp = s;
    return 0;
}

int
time_parse(const char *s, int64_t *out)
{
    int y, m, d, hh = 0, mi = 0, ss = 0, oh = 0, om = 0;
    int64_t offset = CITY_UTC_OFFSET; /* no offset given: city time */
    int64_t t;
    int sign;

    if (s == NULL || *s == '\0')
        return -1;

    /* epoch seconds: digits only */
    if (strspn(s, "0123456789") == strlen(s)) {
        if (parse_int64(s, 0, TIME_PARSE_MAX, &t) < 0)
            return -1;
        *out = t;
        return 0;
    }

    if (parse_date(&s, &y, &m, &d) < 0)
        return -1;
    if (*s == '\0') {
        t = time_days_from_civil(y, m, d) * DAY_SECONDS - CITY_UTC_OFFSET;
        if (t < TIME_MIN_EPOCH || t > TIME_PARSE_MAX)
            return -1;
        *out = t;
        return 0;
    }
    if (*s != 'T' && *s != 't' && *s != ' ')
        return -1;
    s++;
    if (get_digits(&s, 2, &hh) < 0 || *s++ != ':' || get_digits(&s, 2, &mi) < 0)
        return -1;
    if (*s == ':') {
        s++;
        if (get_digits(&s, 2, &ss) < 0)
            return -1;
        if (*s == '.' || *s == ',') { /* fractional seconds: truncated */
            s++;
            if (*s < '0' || *s > '9')
                return -1;
            while (*s >= '0' && *s <= '9')
                s++;
        }
    }
    if (hh > 23 || mi > 59 || ss > 59)
        return -1;

    if (*s == 'Z' || *s == 'z') {
        offset = 0;
        s++;
    } else if (*s == '+' || *s == '-') {
        sign = *s == '-' ? -1 : 1;
        s++;
        if (get_digits(&s, 2, &oh) < 0)
            return -1;
        if (*s == ':')
            s++;
        if (get_digits(&s, 2, &om) < 0)
            return -1;
        if (oh > 14 || om > 59)
            return -1;
        offset = sign * (int64_t)(oh * 3600 + om * 60);
    }
    if (*s != '\0')
        return -1;

    t = time_days_from_civil(y, m, d) * DAY_SECONDS + hh * 3600 + mi * 60 + ss -
        offset;
    if (t < TIME_MIN_EPOCH || t > TIME_PARSE_MAX)
        return -1;
    *out = t;
    return 0;
}

void
time_deadline_text(int64_t t, int with_time, char out[32])
{
    struct civil c;
    int midnight;

    if (t == 0) {
        out[0] = '\0';
        return;
    }
    midnight = time_city_midnight(t) == t;
    /* 24:00 belongs to the day before the midnight it equals */
    time_city(midnight ? t - 1 : t, &c);
    if (!with_time)
        snprintf(out, 32, "%04d-%02d-%02d", c.year, c.month, c.day);
    else if (midnight)
        snprintf(out, 32, "%04d-%02d-%02d 24:00", c.year, c.month, c.day);
    else
        snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", c.year, c.month, c.day,
                 c.hour, c.min);
}
