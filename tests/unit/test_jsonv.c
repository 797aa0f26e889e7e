/* test_jsonv.c — validated reads of body fields: presence, type, bounds,
 * blank strings, nested names, unknown keys. */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/jsonv.h"

static json_t *
load(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &je);

    if (j == NULL)
        fail_msg("bad test JSON: %s", je.text);
    return j;
}

static void
test_str(void **state)
{
    static const struct {
        const char *body;
        const char *field;
        int required;
        size_t max;
        int ok;
        const char *value;   /* expected *out (NULL = absent) */
        const char *message; /* expected error message */
    } cases[] = {
        {"{\"content\":\"噪音\"}", "content", 1, 4000, 1, "噪音", NULL},
        {"{\"content\":\" x \"}", "content", 1, 10, 1, " x ", NULL},
        {"{}", "content", 1, 4000, 0, NULL, "content: is required"},
        {"{\"content\":null}", "content", 1, 4000, 0, NULL,
         "content: is required"},
        {"{}", "title", 0, 100, 1, NULL, NULL},
        {"{\"title\":null}", "title", 0, 100, 1, NULL, NULL},
        {"{\"title\":\"\"}", "title", 0, 100, 1, "", NULL},
        {"{\"content\":\"\"}", "content", 1, 4000, 0, NULL,
         "content: must not be empty"},
        {"{\"content\":\"  \\t\\n \"}", "content", 1, 4000, 0, NULL,
         "content: must not be empty"},
        {"{\"content\":\"\u3000\u3000\"}", "content", 1, 4000, 0, NULL,
         "content: must not be empty"}, /* ideographic spaces */
        {"{\"content\":\"\u00a0\u200b\"}", "content", 1, 4000, 0, NULL,
         "content: must not be empty"},
        {"{\"content\":12}", "content", 1, 4000, 0, NULL,
         "content: must be a string"},
        {"{\"content\":[\"a\"]}", "content", 1, 4000, 0, NULL,
         "content: must be a string"},
        {"{\"content\":\"噪音扰民\"}", "content", 1, 3, 0, NULL,
         "content: must be at most 3 characters"},
        {"{\"content\":\"噪音扰\"}", "content", 1, 3, 1, "噪音扰", NULL},
        {"{\"citizen\":{\"phone\":\"13800001234\"}}", "citizen.phone", 1, 20,
         1, "13800001234", NULL},
        {"{\"citizen\":{}}", "citizen.phone", 1, 20, 0, NULL,
         "citizen.phone: is required"},
        {"{}", "citizen.phone", 1, 20, 0, NULL, "citizen.phone: is required"},
        {"{}", "citizen.phone", 0, 20, 1, NULL, NULL},
        {"{\"citizen\":\"x\"}", "citizen.phone", 0, 20, 0, NULL,
         "citizen: must be an object"},
        {"{\"citizen\":{\"phone\":5}}", "citizen.phone", 0, 20, 0, NULL,
         "citizen.phone: must be a string"},
    };
    struct err e;
    const char *out;
    json_t *j;
    size_t i;
    int rc;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        err_clear(&e);
        j = load(cases[i].body);
        out = "untouched";
        rc = jv_str(j, cases[i].field, cases[i].required, cases[i].max, &out,
                    &e);
        if ((rc == 0) != cases[i].ok)
            fail_msg("case %zu (%s): rc %d, message %s", i, cases[i].body, rc,
                     e.message);
        if (cases[i].ok) {
            if (cases[i].value == NULL)
                assert_null(out);
            else
                assert_string_equal(out, cases[i].value);
        } else {
            assert_int_equal(rc, -ERR_VALIDATION);
            assert_int_equal(e.code, ERR_VALIDATION);
            assert_string_equal(e.message, cases[i].message);
        }
        json_decref(j);
    }
    /* the field is named in e.field, dotted */
    j = load("{\"citizen\":{}}");
    jv_str(j, "citizen.phone", 1, 20, &out, &e);
    assert_string_equal(e.field, "citizen.phone");
    json_decref(j);
    /* embedded NUL (possible in a built object) is refused */
    j = json_object();
    json_object_set_new(j, "name", json_stringn("a\0b", 3));
    assert_int_equal(jv_str(j, "name", 1, 10, &out, &e), -ERR_VALIDATION);
    json_decref(j);
}

static void
test_int_bool_enum(void **state)
{
    static const char *const sat[] = {"satisfied", "basically_satisfied",
                                      "unsatisfied"};
    struct err e = ERR_INIT;
    int64_t v = 99;
    int b = 7;
    int k = 5;
    json_t *j;

    (void)state;
    j = load("{\"days\":3,\"big\":31,\"neg\":-1,\"f\":1.5,\"s\":\"3\","
             "\"t\":true,\"n\":0,\"sat\":\"unsatisfied\",\"bad\":\"meh\"}");
    assert_int_equal(jv_int(j, "days", 1, 1, 30, &v, &e), 0);
    assert_int_equal(v, 3);
    assert_int_equal(jv_int(j, "big", 1, 1, 30, &v, &e), -ERR_VALIDATION);
    assert_string_equal(e.message, "big: must be between 1 and 30");
    assert_int_equal(jv_int(j, "neg", 1, 1, 30, &v, &e), -ERR_VALIDATION);
    assert_int_equal(jv_int(j, "f", 1, 1, 30, &v, &e), -ERR_VALIDATION);
    assert_string_equal(e.message, "f: must be an integer");
    assert_int_equal(jv_int(j, "s", 1, 1, 30, &v, &e), -ERR_VALIDATION);
    v = 99;
    assert_int_equal(jv_int(j, "absent", 0, 1, 30, &v, &e), 0);
    assert_int_equal(v, 99); /* default kept */
    assert_int_equal(jv_int(j, "absent", 1, 1, 30, &v, &e), -ERR_VALIDATION);
    assert_string_equal(e.message, "absent: is required");

    assert_int_equal(jv_bool(j, "t", 1, &b, &e), 0);
    assert_int_equal(b, 1);
    assert_int_equal(jv_bool(j, "n", 1, &b, &e), -ERR_VALIDATION);
    assert_string_equal(e.message, "n: must be true or false");
    b = 7;
    assert_int_equal(jv_bool(j, "absent", 0, &b, &e), 0);
    assert_int_equal(b, 7);

    assert_int_equal(jv_enum(j, "sat", 1, sat, 3, &k, &e), 0);
    assert_int_equal(k, 2);
    assert_int_equal(jv_enum(j, "bad", 1, sat, 3, &k, &e), -ERR_VALIDATION);
    assert_string_equal(e.message, "bad: must be one of: satisfied, "
                                   "basically_satisfied, unsatisfied");
    assert_int_equal(jv_enum(j, "days", 1, sat, 3, &k, &e), -ERR_VALIDATION);
    k = 5;
    assert_int_equal(jv_enum(j, "absent", 0, sat, 3, &k, &e), 0);
    assert_int_equal(k, 5);
    json_decref(j);
}

static void
test_time(void **state)
{
    struct err e = ERR_INIT;
    int64_t t = 0;
    json_t *j;
    json_t *s;

    (void)state;
    j = load("{\"a\":\"2026-11-29T10:15:00+08:00\",\"b\":1795918500,"
             "\"c\":\"yesterday\",\"d\":-5,\"e\":true,\"f\":\"2026-11-29\"}");
    assert_int_equal(jv_time(j, "a", 1, &t, &e), 0);
    assert_int_equal(t, 1795918500);
    t = 0;
    assert_int_equal(jv_time(j, "b", 1, &t, &e), 0);
    assert_int_equal(t, 1795918500);
    assert_int_equal(jv_time(j, "c", 1, &t, &e), -ERR_VALIDATION);
    assert_string_equal(e.field, "c");
    assert_int_equal(jv_time(j, "d", 1, &t, &e), -ERR_VALIDATION);
    assert_int_equal(jv_time(j, "e", 1, &t, &e), -ERR_VALIDATION);
    assert_int_equal(jv_time(j, "f", 1, &t, &e), 0);
    assert_int_equal(t, 1795910400 - 8 * 3600);
    json_decref(j);

    s = jv_time_json(1795918500);
    assert_string_equal(json_string_value(s), "2026-11-29T10:15:00+08:00");
    json_decref(s);
    s = jv_time_json(0);
    assert_true(json_is_null(s));
    json_decref(s);
}

static void
test_only(void **state)
{
    static const char *const allowed[] = {"type", "content", "citizen"};
    static const char *const citizen[] = {"name", "phone"};
    struct err e = ERR_INIT;
    json_t *j;

    (void)state;
    j = load("{\"type\":\"x\",\"content\":\"y\",\"citizen\":{\"name\":\"z\"}}");
    assert_int_equal(jv_only(j, NULL, allowed, 3, &e), 0);
    assert_int_equal(
        jv_only(json_object_get(j, "citizen"), "citizen", citizen, 2, &e), 0);
    json_decref(j);

    j = load("{\"type\":\"x\",\"contnet\":\"typo\"}");
    assert_int_equal(jv_only(j, NULL, allowed, 3, &e), -ERR_VALIDATION);
    assert_string_equal(e.field, "contnet");
    assert_string_equal(e.message, "contnet: unknown field");
    json_decref(j);

    j = load("{\"citizen\":{\"name\":\"z\",\"idcard\":\"1\"}}");
    assert_int_equal(
        jv_only(json_object_get(j, "citizen"), "citizen", citizen, 2, &e),
        -ERR_VALIDATION);
    assert_string_equal(e.field, "citizen.idcard");
    json_decref(j);

    assert_int_equal(jv_only(NULL, NULL, allowed, 3, &e), 0);
    j = load("{\"citizen\":[1]}");
    assert_int_equal(
        jv_only(json_object_get(j, "citizen"), "citizen", citizen, 2, &e),
        -ERR_VALIDATION);
    assert_string_equal(e.message, "citizen: must be an object");
    json_decref(j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str),
        cmocka_unit_test(test_int_bool_enum),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_only),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
