/* ics.c — iCalendar holiday import (see ics.h). Untrusted input: every
 * length is bounded, every error names its (physical) line. */
#include "common.h"

#include "deadline/ics.h"
#include "util/timeutil.h"
#include "util/utf8.h"

struct ics_event {
    int in;             /* inside BEGIN:VEVENT */
    int start, end;     /* YYYYMMDD; end 0 = one day */
    int start_line;
    char summary[ICS_MAX_LINE];
};

static int
fail(struct err *e, int line, const char *msg, const char *arg)
{
    return err_set(e, ERR_VALIDATION, "ics", "ics: line %d: %s%s%s", line,
                   msg, arg ? " " : "", arg ? arg : "");
}

/* "20260215" (the value of a DATE property) -> YYYYMMDD, or -1. */
static int
parse_date_value(const char *v)
{
    int ymd = 0;

    if (strlen(v) != 8)
        return -1;
    for (int i = 0; i < 8; i++) {
        if (!isdigit((unsigned char)v[i]))
            return -1;
        ymd = ymd * 10 + (v[i] - '0');
    }
    return calendar_ymd_valid(ymd) ? ymd : -1;
}

/* TEXT value escapes: \\ \; \, \n \N. */
static void
unescape(char *s)
{
    char *w = s;

    for (char *r = s; *r; r++) {
        if (*r == '\\' && r[1]) {
            r++;
            *w++ = (*r == 'n' || *r == 'N') ? ' ' : *r;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

static int
is_workday_summary(const char *s)
{
    return strstr(s, "班") || strstr(s, "调休") || strstr(s, "上班");
}

static int
add_event(struct ics_event *ev, struct calendar *out, size_t *ndays,
          int line, struct err *e)
{
    int64_t d0, d1, d;
    enum calendar_kind kind;
    size_t cut;
    int y, m, dd, ymd;

    if (!ev->start)
        return err_set(e, ERR_VALIDATION, "ics",
                       "ics: line %d: event without DTSTART (began on line %d)",
                       line, ev->start_line);
    d0 = time_days_from_civil(ev->start / 10000, ev->start / 100 % 100,
                              ev->start % 100);
    d1 = ev->end ? time_days_from_civil(ev->end / 10000, ev->end / 100 % 100,
                                        ev->end % 100)
                 : d0 + 1;
    if (d1 <= d0)
        return fail(e, line, "DTEND is not after DTSTART", NULL);
    if (d1 - d0 > ICS_MAX_EVENT_DAYS)
        return fail(e, line, "event longer than 60 days", NULL);
    kind = is_workday_summary(ev->summary) ? CALENDAR_WORKDAY : CALENDAR_HOLIDAY;
    cut = utf8_prefix(ev->summary, strlen(ev->summary), CALENDAR_NAME_MAX);
    ev->summary[cut] = '\0';
    for (d = d0; d < d1; d++) {
        const struct calendar_day *old;

        time_civil_from_days(d, &y, &m, &dd);
        ymd = y * 10000 + m * 100 + dd;
        if (!calendar_ymd_valid(ymd))
            return fail(e, line, "date out of range", NULL);
        old = calendar_find(out, ymd);
        if (old && old->kind != kind)
            return err_set(e, ERR_VALIDATION, "ics",
                           "ics: line %d: %04d-%02d-%02d is both a holiday "
                           "and a working day",
                           line, y, m, dd);
        if (old)
            continue;
        if (++*ndays > ICS_MAX_DAYS)
            return fail(e, line, "too many days in one file", NULL);
        calendar_add(out, ymd, kind, ev->summary[0] ? ev->summary : "节假日");
        calendar_finish(out);
    }
    return 0;
}

/* One unfolded content line: NAME *(;PARAM) : VALUE. */
static int
content_line(char *ln, int line, int *depth, int *saw_cal, int *ended,
             struct ics_event *ev, struct calendar *out, size_t *ndays,
             struct err *e)
{
    char *colon = strchr(ln, ':'), *name = ln, *params, *value;
    size_t nlen;
    int ymd;

    if (!colon)
        return fail(e, line, "not NAME:VALUE", NULL);
    *colon = '\0';
    value = colon + 1;
    params = strchr(name, ';');
    if (params)
        *params++ = '\0';
    nlen = strlen(name);
    if (nlen == 0)
        return fail(e, line, "empty property name", NULL);
    for (size_t i = 0; i < nlen; i++) {
        if (!isalnum((unsigned char)name[i]) && name[i] != '-')
            return fail(e, line, "bad property name", NULL);
    }
    if (*ended)
        return fail(e, line, "content after END:VCALENDAR", NULL);
    if (!*saw_cal) {
        if (strcasecmp(name, "BEGIN") != 0 || strcasecmp(value, "VCALENDAR") != 0)
            return fail(e, line, "expected BEGIN:VCALENDAR", NULL);
        *saw_cal = 1;
        *depth = 1;
        return 0;
    }
    if (strcasecmp(name, "BEGIN") == 0) {
        if (++*depth > 8)
            return fail(e, line, "components nested too deep", NULL);
        if (*depth == 2 && strcasecmp(value, "VEVENT") == 0) {
            memset(ev, 0, sizeof(*ev));
            ev->in = 1;
            ev->start_line = line;
        }
        return 0;
    }
    if (strcasecmp(name, "END") == 0) {
        if (*depth == 2 && ev->in) {
            if (strcasecmp(value, "VEVENT") != 0)
                return fail(e, line, "END does not match BEGIN:VEVENT", NULL);
            ev->in = 0;
            if (add_event(ev, out, ndays, line, e) < 0)
                return -1;
        } else if (*depth == 1) {
            if (strcasecmp(value, "VCALENDAR") != 0)
                return fail(e, line, "END does not match BEGIN:VCALENDAR",
                            NULL);
            *ended = 1;
        }
        --*depth;
        return 0;
    }
    if (*depth != 2 || !ev->in)
        return 0; /* a property of the calendar or of another component */
    if (strcasecmp(name, "DTSTART") == 0 || strcasecmp(name, "DTEND") == 0) {
        if (params && !strstr(params, "VALUE=DATE"))
            return fail(e, line, name, "must be a date (VALUE=DATE)");
        if (params && strstr(params, "VALUE=DATE-TIME"))
            return fail(e, line, name, "must be a date (VALUE=DATE)");
        ymd = parse_date_value(value);
        if (ymd < 0)
            return fail(e, line, name, "is not a date YYYYMMDD");
        if (toupper((unsigned char)name[2]) == 'S')
            ev->start = ymd;
        else
            ev->end = ymd;
    } else if (strcasecmp(name, "SUMMARY") == 0) {
        snprintf(ev->summary, sizeof(ev->summary), "%s", value);
        unescape(ev->summary);
    } else if (strcasecmp(name, "RRULE") == 0 ||
               strcasecmp(name, "RDATE") == 0 ||
               strcasecmp(name, "DURATION") == 0) {
        return fail(e, line, name, "is not supported (list each day)");
    }
    return 0;
}

int
ics_parse(const char *text, size_t len, struct calendar *out, struct err *e)
{
    char *ln = xmalloc(ICS_MAX_LINE + 1);
    size_t pos = 0, n = 0, ndays = 0;
    int line = 0, cur_line = 0, depth = 0, saw_cal = 0, ended = 0, rc = 0;
    struct ics_event *ev = xcalloc(1, sizeof(*ev));

    if (!utf8_valid(text, len)) {
        rc = err_set(e, ERR_VALIDATION, "ics", "ics: not valid UTF-8");
        goto out;
    }
    /* Physical lines; a line starting with space/tab continues the one
     * before (unfolding), so a logical line is handled when the next
     * non-continuation line starts or at the end. */
    while (pos <= len) {
        size_t end = pos, next;
        int last = 0;

        while (end < len && text[end] != '\n')
            end++;
        next = end + 1;
        if (end >= len)
            last = 1;
        if (end > pos && text[end - 1] == '\r')
            end--;
        line++;
        if (memchr(text + pos, '\0', end - pos) ||
            memchr(text + pos, '\r', end - pos)) {
            rc = fail(e, line, "stray control character", NULL);
            goto out;
        }
        if (end > pos && (text[pos] == ' ' || text[pos] == '\t')) {
            if (cur_line == 0) {
                rc = fail(e, line, "continuation line with nothing to continue",
                          NULL);
                goto out;
            }
            if (n + (end - pos - 1) > ICS_MAX_LINE) {
                rc = fail(e, cur_line, "line too long", NULL);
                goto out;
            }
            memcpy(ln + n, text + pos + 1, end - pos - 1);
            n += end - pos - 1;
        } else {
            if (cur_line) {
                ln[n] = '\0';
                rc = content_line(ln, cur_line, &depth, &saw_cal, &ended, ev,
                                  out, &ndays, e);
                if (rc < 0)
                    goto out;
            }
            n = 0;
            cur_line = 0;
            if (end > pos) {
                if (end - pos > ICS_MAX_LINE) {
                    rc = fail(e, line, "line too long", NULL);
                    goto out;
                }
                memcpy(ln, text + pos, end - pos);
                n = end - pos;
                cur_line = line;
            }
        }
        if (last)
            break;
        pos = next;
    }
    if (cur_line) {
        ln[n] = '\0';
        rc = content_line(ln, cur_line, &depth, &saw_cal, &ended, ev, out,
                          &ndays, e);
        if (rc < 0)
            goto out;
    }
    if (!saw_cal)
        rc = err_set(e, ERR_VALIDATION, "ics",
                     "ics: line 1: expected BEGIN:VCALENDAR");
    else if (!ended)
        rc = err_set(e, ERR_VALIDATION, "ics",
                     "ics: line %d: missing END:VCALENDAR%s", line,
                     ev->in ? " (an event is not closed)" : "");
out:
    free(ev);
    free(ln);
    return rc < 0 ? -1 : 0;
}
