/* calendar.c — working days over the exceptions table (see calendar.h).
 *
 * Everything counts whole city days: a city day is [00:00, 24:00) at +08:00,
 * so day arithmetic is exact (no DST in Asia/Shanghai since 1991). Lookups
 * are a binary search in the sorted exceptions; there are a few dozen a year.
 */
#include "common.h"

#include "deadline/calendar.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define DAY CALENDAR_DAY_SECONDS

static const char *const kind_names[] = {"holiday", "workday"};

void
calendar_init(struct calendar *c)
{
    memset(c, 0, sizeof(*c));
}

void
calendar_release(struct calendar *c)
{
    free(c->days);
    calendar_init(c);
}

void
calendar_add(struct calendar *c, int ymd, enum calendar_kind kind,
             const char *name)
{
    struct calendar_day *d;
    size_t cut;

    if (c->n == c->alloc) {
        c->alloc = c->alloc ? c->alloc * 2 : 64;
        c->days = xrealloc(c->days, c->alloc * sizeof(*c->days));
    }
    d = &c->days[c->n++];
    d->ymd = ymd;
    d->kind = kind;
    name = name ? name : "";
    cut = strlen(name);
    if (cut > sizeof(d->name) - 1) /* whole characters only */
        cut = utf8_prefix(name, sizeof(d->name) - 1, (size_t)-1);
    memcpy(d->name, name, cut);
    d->name[cut] = '\0';
}

static int
day_cmp(const void *a, const void *b)
{
    const struct calendar_day *x = a, *y = b;

    return (x->ymd > y->ymd) - (x->ymd < y->ymd);
}

void
calendar_finish(struct calendar *c)
{
    size_t i, out = 0;

    /* Insertion sort: stable, so the later of two entries for a date wins;
     * the input is nearly always sorted already. */
    for (i = 1; i < c->n; i++) {
        struct calendar_day tmp = c->days[i];
        size_t j = i;

        if (c->days[j - 1].ymd <= tmp.ymd)
            continue;
        while (j > 0 && c->days[j - 1].ymd > tmp.ymd) {
            c->days[j] = c->days[j - 1];
            j--;
        }
        c->days[j] = tmp;
    }
    for (i = 0; i < c->n; i++) {
        if (out > 0 && c->days[out - 1].ymd == c->days[i].ymd)
            c->days[out - 1] = c->days[i];
        else
            c->days[out++] = c->days[i];
    }
    c->n = out;
}

const char *
calendar_kind_name(enum calendar_kind k)
{
    return kind_names[k == CALENDAR_WORKDAY];
}

int
calendar_kind_parse(const char *s, enum calendar_kind *out)
{
    if (s && strcmp(s, "holiday") == 0) {
        *out = CALENDAR_HOLIDAY;
        return 0;
    }
    if (s && strcmp(s, "workday") == 0) {
        *out = CALENDAR_WORKDAY;
        return 0;
    }
    return -1;
}

int
calendar_ymd_valid(int ymd)
{
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100, yy, mm, dd;

    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
        return 0;
    time_civil_from_days(time_days_from_civil(y, m, d), &yy, &mm, &dd);
    return yy == y && mm == m && dd == d;
}

const struct calendar_day *
calendar_find(const struct calendar *c, int ymd)
{
    struct calendar_day key;

    if (!c || c->n == 0)
        return NULL;
    key.ymd = ymd;
    return bsearch(&key, c->days, c->n, sizeof(*c->days), day_cmp);
}

static int
ymd_of_days(int64_t days)
{
    int y, m, d;

    time_civil_from_days(days, &y, &m, &d);
    return y * 10000 + m * 100 + d;
}

int
calendar_is_workday_days(const struct calendar *c, int64_t days)
{
    const struct calendar_day *x = calendar_find(c, ymd_of_days(days));
    /* 1970-01-01 was a Thursday: weekday 0 = Sunday. */
    int64_t wday = ((days % 7) + 7 + 4) % 7;

    if (x)
        return x->kind == CALENDAR_WORKDAY;
    return wday != 0 && wday != 6;
}

int
calendar_is_workday(const struct calendar *c, int ymd)
{
    return calendar_is_workday_days(
        c, time_days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100));
}

int
calendar_year_workdays(const struct calendar *c, int year)
{
    int64_t d = time_days_from_civil(year, 1, 1);
    int64_t end = time_days_from_civil(year + 1, 1, 1);
    int n = 0;

    for (; d < end; d++)
        n += calendar_is_workday_days(c, d);
    return n;
}

/* City day number (days since 1970-01-01, city calendar) of t. */
static int64_t
city_day(int64_t t)
{
    int64_t local = t + CITY_UTC_OFFSET;

    return local >= 0 ? local / DAY : -((-local + DAY - 1) / DAY);
}

/* Epoch seconds of 00:00 city time of city day `days`. */
static int64_t
day_start(int64_t days)
{
    return days * DAY - CITY_UTC_OFFSET;
}

int
calendar_add_workdays(const struct calendar *c, int64_t t, int n,
                      int64_t *out, struct err *e)
{
    int64_t day = city_day(t);
    int gap = 0;

    if (n < 1)
        n = 1;
    while (n > 0) {
        day++;
        if (calendar_is_workday_days(c, day)) {
            n--;
            gap = 0;
        } else if (++gap > CALENDAR_MAX_GAP_DAYS) {
            return err_set(e, ERR_INTERNAL, NULL,
                           "calendar: no working day in %d days after %d",
                           CALENDAR_MAX_GAP_DAYS, ymd_of_days(day - gap));
        }
    }
    *out = day_start(day + 1); /* 24:00 of that day */
    return 0;
}

int64_t
calendar_working_seconds(const struct calendar *c, int64_t a, int64_t b)
{
    int64_t day, last, sum = 0, from, to;

    if (b <= a)
        return 0;
    last = city_day(b - 1);
    for (day = city_day(a); day <= last; day++) {
        if (!calendar_is_workday_days(c, day))
            continue;
        from = day_start(day);
        to = from + DAY;
        if (from < a)
            from = a;
        if (to > b)
            to = b;
        sum += to - from;
    }
    return sum;
}

int64_t
calendar_workdays_between(const struct calendar *c, int64_t a, int64_t b)
{
    return calendar_working_seconds(c, a, b) / DAY;
}

int
calendar_within_last(const struct calendar *c, int64_t t, int64_t d, int n)
{
    return calendar_working_seconds(c, t, d) < (int64_t)n * DAY;
}

int64_t
calendar_add_hours(int64_t t, int hours)
{
    return t + (int64_t)hours * 3600;
}

int64_t
calendar_add_minutes(int64_t t, int minutes)
{
    return t + (int64_t)minutes * 60;
}
