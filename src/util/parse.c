/* parse.c — strict number parsing for untrusted text. */
#include "common.h"

int
parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    const char *p = s;
    int neg = 0;
    uint64_t limit;
    uint64_t v = 0;
    unsigned d;

    if (s == NULL || *p == '\0')
        return -1;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    if (*p == '\0')
        return -1;
    /* magnitude bound: INT64_MAX, or |INT64_MIN| for negatives */
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        d = (unsigned)(*p - '0');
        if (v > (limit - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (neg) {
        int64_t r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;

        if (r < min || r > max)
            return -1;
        *out = r;
    } else {
        if ((int64_t)v < min || (int64_t)v > max)
            return -1;
        *out = (int64_t)v;
    }
    return 0;
}
