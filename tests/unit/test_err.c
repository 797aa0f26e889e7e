/* test_err.c — the error table: every code has a status and a name, and the
 * mapping is exactly the one API.md documents. */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static const struct {
    enum err_code code;
    int status;
    const char *name;
} table[] = {
    {ERR_VALIDATION, 400, "validation_failed"},
    {ERR_UNAUTHORIZED, 401, "unauthorized"},
    {ERR_FORBIDDEN, 403, "forbidden"},
    {ERR_NOT_FOUND, 404, "not_found"},
    {ERR_METHOD, 405, "method_not_allowed"},
    {ERR_INVALID_TRANSITION, 409, "invalid_transition"},
    {ERR_CONFLICT, 409, "conflict"},
    {ERR_TOO_LARGE, 413, "too_large"},
    {ERR_UNSUPPORTED_MEDIA, 415, "unsupported_media_type"},
    {ERR_RATE_LIMITED, 429, "rate_limited"},
    {ERR_INTERNAL, 500, "internal"},
    {ERR_UNAVAILABLE, 503, "unavailable"},
};

static void
test_mapping(void **state)
{
    size_t i;

    (void)state;
    assert_int_equal(ARRAY_SIZE(table), ERR__COUNT - 1);
    for (i = 0; i < ARRAY_SIZE(table); i++) {
        assert_int_equal(err_http_status(table[i].code), table[i].status);
        assert_string_equal(err_code_name(table[i].code), table[i].name);
    }
}

static void
test_every_code_named(void **state)
{
    int c;

    (void)state;
    for (c = ERR_OK + 1; c < ERR__COUNT; c++) {
        assert_true(err_http_status((enum err_code)c) >= 400);
        assert_non_null(err_code_name((enum err_code)c));
        assert_string_not_equal(err_code_name((enum err_code)c), "ok");
    }
    /* out of range is an internal error, never a crash */
    assert_int_equal(err_http_status(ERR__COUNT), 500);
    assert_string_equal(err_code_name((enum err_code)99), "internal");
}

static void
test_err_set(void **state)
{
    struct err e = ERR_INIT;
    char big[600];

    (void)state;
    assert_int_equal(err_set(&e, ERR_VALIDATION, "phone",
                             "not a valid phone number"),
                     -ERR_VALIDATION);
    assert_int_equal(e.code, ERR_VALIDATION);
    assert_string_equal(e.field, "phone");
    assert_string_equal(e.message, "phone: not a valid phone number");

    /* no double prefix when the message already names the field */
    err_set(&e, ERR_VALIDATION, "phone", "phone: bad");
    assert_string_equal(e.message, "phone: bad");

    err_set(&e, ERR_NOT_FOUND, NULL, "case %d not found", 12);
    assert_string_equal(e.field, "");
    assert_string_equal(e.message, "case 12 not found");

    /* ERR_OK is not an error: becomes internal */
    assert_int_equal(err_set(&e, ERR_OK, NULL, "x"), -ERR_INTERNAL);

    /* long UTF-8 messages are cut on a character boundary */
    memset(big, 0, sizeof(big));
    for (size_t i = 0; i + 3 < sizeof(big); i += 3)
        memcpy(big + i, "噪", 3);
    err_set(&e, ERR_VALIDATION, "content", "%s", big);
    assert_true(strlen(e.message) < sizeof(e.message));
    assert_int_equal((strlen(e.message) - strlen("content: ")) % 3, 0);

    err_clear(&e);
    assert_int_equal(e.code, ERR_OK);
    assert_string_equal(e.message, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_every_code_named),
        cmocka_unit_test(test_err_set),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
