/* fuzz_ics.c — ics_parse on arbitrary text (an admin's uploaded .ics file).
 *
 * Invariants:
 *  - it returns 0 or fails with ERR_VALIDATION on field "ics" and a message;
 *  - on success every day is a valid date, sorted and unique, with a kind of
 *    holiday or workday and a valid UTF-8 name of at most
 *    CALENDAR_NAME_MAX characters, and there are at most ICS_MAX_DAYS days. */
#include "common.h"

#include "deadline/calendar.h"
#include "deadline/ics.h"
#include "fuzz.h"
#include "util/utf8.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct calendar cal;
    struct err e = ERR_INIT;
    size_t n;
    char *s;
    int rc;

    if (size > 64 * 1024)
        return 0;
    s = fuzz_cstr(data, size, &n);
    calendar_init(&cal);
    rc = ics_parse(s, n, &cal, &e);
    if (rc < 0) {
        FUZZ_CHECK(e.code == ERR_VALIDATION);
        FUZZ_CHECK(strcmp(e.field, "ics") == 0);
        FUZZ_CHECK(e.message[0] != '\0');
    } else {
        FUZZ_CHECK(rc == 0);
        FUZZ_CHECK(cal.n <= ICS_MAX_DAYS);
        for (size_t i = 0; i < cal.n; i++) {
            const struct calendar_day *d = &cal.days[i];

            FUZZ_CHECK(calendar_ymd_valid(d->ymd));
            FUZZ_CHECK(i == 0 || cal.days[i - 1].ymd < d->ymd);
            FUZZ_CHECK(d->kind == CALENDAR_HOLIDAY || d->kind == CALENDAR_WORKDAY);
            FUZZ_CHECK(utf8_valid(d->name, strlen(d->name)));
            FUZZ_CHECK(utf8_chars(d->name, strlen(d->name)) <=
                       CALENDAR_NAME_MAX);
        }
    }
    calendar_release(&cal);
    free(s);
    return 0;
}
