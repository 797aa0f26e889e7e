/* fuzz_jsonv.c — the validated field readers of util/jsonv.c on arbitrary
 * JSON objects (parsed as the server parses bodies).
 *
 * Every reader runs on plain and dotted field names ("a", "a.b", "a.b.c")
 * with required and optional variants. Invariants:
 *  - 0 on success, < 0 on failure with e.code == ERR_VALIDATION, a non-empty
 *    field naming the path the caller gave (or its parent), and field and
 *    message valid UTF-8;
 *  - jv_str: a valid UTF-8 string with no NUL cut short, at most max code
 *    points, NULL only for an absent optional field; jv_int within
 *    [min, max]; jv_bool 0 or 1; jv_enum an index into the names; jv_time
 *    in 0001..9999; jv_only: on success every key is allowed. */
#include "common.h"

#include <jansson.h>

#include "fuzz.h"
#include "util/jsonv.h"

#define T_MIN INT64_C(-62135596800)
#define T_MAX INT64_C(253402300799)

static void
check_fail(int rc, const struct err *e, const char *field)
{
    FUZZ_CHECK(rc < 0);
    FUZZ_CHECK(e->code == ERR_VALIDATION);
    FUZZ_CHECK(e->field[0] != '\0');
    FUZZ_CHECK(fuzz_utf8_ok(e->field, strlen(e->field)));
    FUZZ_CHECK(e->message[0] != '\0');
    FUZZ_CHECK(fuzz_utf8_ok(e->message, strlen(e->message)));
    if (field != NULL) /* the field, or the parent that is not an object */
        FUZZ_CHECK(strncmp(field, e->field, strlen(e->field)) == 0);
}

static void
readers(json_t *obj, const char *field, int req)
{
    static const char *const names[] = {"normal", "urgent", "emergency"};
    struct err e = ERR_INIT;
    const char *s = (const char *)1;
    int64_t i = 7, t = 7;
    int b = 7, k = 7, rc;
    size_t len;

    rc = jv_str(obj, field, req, 8, &s, &e);
    if (rc == 0) {
        if (s == NULL) {
            FUZZ_CHECK(!req);
        } else {
            len = strlen(s);
            FUZZ_CHECK(fuzz_utf8_ok(s, len));
            FUZZ_CHECK(fuzz_utf8_count(s, len) <= 8);
            FUZZ_CHECK(!req || len > 0);
        }
    } else {
        check_fail(rc, &e, field);
    }

    err_clear(&e);
    rc = jv_int(obj, field, req, -5, 1000, &i, &e);
    if (rc == 0)
        FUZZ_CHECK((i >= -5 && i <= 1000) || (!req && i == 7));
    else
        check_fail(rc, &e, field);

    err_clear(&e);
    rc = jv_bool(obj, field, req, &b, &e);
    if (rc == 0)
        FUZZ_CHECK(b == 0 || b == 1 || (!req && b == 7));
    else
        check_fail(rc, &e, field);

    err_clear(&e);
    rc = jv_enum(obj, field, req, names, ARRAY_SIZE(names), &k, &e);
    if (rc == 0)
        FUZZ_CHECK((k >= 0 && k < 3) || (!req && k == 7));
    else
        check_fail(rc, &e, field);

    err_clear(&e);
    rc = jv_time(obj, field, req, &t, &e);
    if (rc == 0)
        FUZZ_CHECK((t >= T_MIN && t <= T_MAX) || (!req && t == 7));
    else
        check_fail(rc, &e, field);
}

static void
only(json_t *obj, const char *prefix)
{
    static const char *const allowed[] = {"a", "b", "c", "content"};
    struct err e = ERR_INIT;
    const char *key;
    json_t *v;
    size_t j;
    int rc;

    rc = jv_only(obj, prefix, allowed, ARRAY_SIZE(allowed), &e);
    if (rc < 0) {
        check_fail(rc, &e, NULL);
        return;
    }
    json_object_foreach(obj, key, v) {
        int found = 0;

        for (j = 0; j < ARRAY_SIZE(allowed); j++)
            if (strcmp(key, allowed[j]) == 0)
                found = 1;
        FUZZ_CHECK(found);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const fields[] = {"a", "b", "content", "a.b",
                                         "a.b.c", "b.c"};
    json_error_t je;
    json_t *obj, *inner;
    size_t j;

    if (size > 64 * 1024)
        return 0;
    obj = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (obj == NULL)
        return 0;
    if (json_is_object(obj)) {
        for (j = 0; j < ARRAY_SIZE(fields); j++) {
            readers(obj, fields[j], JV_REQUIRED);
            readers(obj, fields[j], JV_OPTIONAL);
        }
        only(obj, "");
        inner = json_object_get(obj, "a");
        if (json_is_object(inner))
            only(inner, "a.");
    }
    json_decref(obj);
    return 0;
}
