/* rules.c — pure rules of a case (see rules.h). */
#include "common.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>

#include "cases/rules.h"
#include "util/timeutil.h"
#include "util/utf8.h"

const char *const case_types[] = {"consult", "help",   "suggest", "complain",
                                  "report",  "praise", "other"};
const size_t case_ntypes = ARRAY_SIZE(case_types);
const char *const case_urgencies[] = {"normal", "urgent", "emergency"};
const size_t case_nurgencies = ARRAY_SIZE(case_urgencies);
const char *const case_satisfactions[] = {"satisfied", "basically_satisfied",
                                          "unsatisfied"};
const size_t case_nsatisfactions = ARRAY_SIZE(case_satisfactions);

static int
in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, list[i]) == 0)
            return 1;
    }
    return 0;
}

int
case_type_valid(const char *s)
{
    return s && in_list(s, case_types, case_ntypes);
}

int
case_urgency_valid(const char *s)
{
    return s && in_list(s, case_urgencies, case_nurgencies);
}

int
case_channel_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n == 0 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
              s[i] == '_'))
            return 0;
    }
    return 1;
}

static size_t
count_digits(const char *s)
{
    size_t n = 0;

    while (isdigit((unsigned char)s[n]))
        n++;
    return n;
}

int
case_phone_valid(const char *s)
{
    size_t n, area, rest;

    if (!s)
        return 0;
    n = strlen(s);
    if (n == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' &&
        count_digits(s) == 11)
        return 1;
    if (s[0] != '0')
        return 0;
    /* Landline: 0 + area code (2–3 digits after the 0) + 7–8 digits,
     * written with or without a '-' after the area code. */
    area = count_digits(s);
    if (s[area] == '-') {
        if (area < 3 || area > 4)
            return 0;
        rest = count_digits(s + area + 1);
        return s[area + 1 + rest] == '\0' && rest >= 7 && rest <= 8;
    }
    return s[area] == '\0' && area >= 10 && area <= 12;
}

int
case_code_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n == 0 || n > 16)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

void
case_no_format(int ymd, int64_t seq, char out[24])
{
    if (seq < 1 || seq > 999999 || ymd < 19700101 || ymd > 99991231)
        BUG("case number out of range: %d/%lld", ymd, (long long)seq);
    snprintf(out, 24, "JZ%08d%06lld", ymd, (long long)seq);
}

int
case_no_shape(const char *s)
{
    return s && strlen(s) == 16 && s[0] == 'J' && s[1] == 'Z' &&
           count_digits(s + 2) == 14;
}

void
case_query_code(char out[8])
{
    if (sodium_init() < 0)
        BUG("libsodium failed to initialise");
    snprintf(out, 8, "%06u", (unsigned)randombytes_uniform(1000000));
}

const char *
case_warning(const char *status, int64_t sign_due, int64_t due, int64_t now)
{
    int dispatched = strcmp(status, "dispatched") == 0;

    if (!dispatched && strcmp(status, "handling") != 0)
        return "none";
    if ((due && due < now) || (dispatched && sign_due && sign_due < now))
        return "red";
    if (due && due - now <= CASE_YELLOW_SECONDS)
        return "yellow";
    return "none";
}

void
case_title_from(const char *content, char *out, size_t n)
{
    size_t len = strcspn(content, "\r\n"), cut;
    int cut_short;

    while (len > 0 && (content[0] == ' ' || content[0] == '\t')) {
        content++;
        len--;
    }
    cut = utf8_prefix(content, len, CASE_TITLE_DERIVED);
    cut_short = cut < strlen(content);
    if (cut + 4 > n)
        cut = utf8_prefix(content, n > 4 ? n - 4 : 0, (size_t)-1);
    snprintf(out, n, "%.*s%s", (int)cut, content, cut_short ? "…" : "");
}
