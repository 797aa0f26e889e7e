/* fuzz_time.c — time_parse on arbitrary text (ISO 8601 with offset or Z,
 * "YYYY-MM-DD", or epoch seconds).
 *
 * Invariants for what time_parse accepts:
 *  - the result lies in 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, the
 *    range timeutil.c documents;
 *  - time_iso writes a canonical "YYYY-MM-DDTHH:MM:SS+08:00" (25 chars)
 *    that time_parse accepts and maps back to the same instant
 *    (round trip), and printing that again gives the same text;
 *  - a bare date is a city midnight; time_city's fields are in range.
 * Rejection must leave *out alone. */
#include "common.h"

#include "fuzz.h"
#include "util/timeutil.h"

#define T_MIN INT64_C(-62135596800)
#define T_MAX INT64_C(253402300799)

static int
is_date_only(const char *s, size_t n)
{
    return n == 10 && s[4] == '-' && s[7] == '-';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const int64_t poison = INT64_C(0x5A5A5A5A5A5A5A5A);
    char iso[32], iso2[32];
    struct civil c;
    int64_t t = poison, t2 = poison;
    size_t n;
    char *s;
    int rc;

    if (size > 64) /* nothing valid is longer; keep the fuzzer focused */
        return 0;
    s = fuzz_cstr(data, size, &n);
    rc = time_parse(s, &t);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc < 0) {
        FUZZ_CHECK(t == poison);
        free(s);
        return 0;
    }
    FUZZ_CHECK(t >= T_MIN && t <= T_MAX);

    time_iso(t, iso);
    FUZZ_CHECK(strlen(iso) == 25);
    FUZZ_CHECK(strcmp(iso + 19, "+08:00") == 0);
    FUZZ_CHECK(iso[4] == '-' && iso[7] == '-' && iso[10] == 'T' &&
               iso[13] == ':' && iso[16] == ':');
    rc = time_parse(iso, &t2);
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(t2 == t);
    time_iso(t2, iso2);
    FUZZ_CHECK(strcmp(iso, iso2) == 0);

    time_city(t, &c);
    FUZZ_CHECK(c.year >= 1 && c.year <= 9999);
    FUZZ_CHECK(c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= 31);
    FUZZ_CHECK(c.hour >= 0 && c.hour < 24 && c.min >= 0 && c.min < 60 &&
               c.sec >= 0 && c.sec < 60 && c.wday >= 0 && c.wday < 7);
    FUZZ_CHECK(time_days_from_civil(c.year, c.month, c.day) * 86400 +
                   c.hour * 3600 + c.min * 60 + c.sec - CITY_UTC_OFFSET ==
               t);
    if (is_date_only(s, n)) {
        FUZZ_CHECK(time_city_midnight(t) == t);
        FUZZ_CHECK(memcmp(iso, s, 10) == 0);
    }
    free(s);
    return 0;
}
