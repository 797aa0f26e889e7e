/* test_notify.c — outbox back-off (RULE outbox-backoff), template
 * rendering and checking (RULE notify-templates), gateway template ids. */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>

#include <cmocka.h>

#include "notify/notify.h"
#include "notify/template.h"
#include "util/utf8.h"

static void
test_backoff(void **state)
{
    (void)state;
    /* RULE outbox-backoff: base * 2^(n-1), capped */
    assert_int_equal(notify_backoff(30, 1), 30);
    assert_int_equal(notify_backoff(30, 2), 60);
    assert_int_equal(notify_backoff(30, 3), 120);
    assert_int_equal(notify_backoff(30, 6), 960);
    assert_int_equal(notify_backoff(30, 0), 30);
    assert_int_equal(notify_backoff(30, 20), NOTIFY_BACKOFF_CAP);
    assert_int_equal(notify_backoff(30, 1000), NOTIFY_BACKOFF_CAP);
    assert_int_equal(notify_backoff(0, 2), 2); /* base at least 1 s */
    for (int64_t n = 1; n < 40; n++)
        assert_true(notify_backoff(30, n + 1) >= notify_backoff(30, n));
}

static void
test_render(void **state)
{
    json_t *p = json_pack("{s:s, s:s, s:i}", "case_no", "JZ20261129000001",
                          "query_code", "012345", "n", 5);
    char out[256];

    (void)state;
    assert_int_equal(template_render("编号{case_no}，查询码{query_code}", p, out,
                                     sizeof(out)),
                     0);
    assert_string_equal(out, "编号JZ20261129000001，查询码012345");
    template_render("{n}天 {missing}|{{x}", p, out, sizeof(out));
    assert_string_equal(out, "5天 |{x}");
    template_render("未闭合{case_no", p, out, sizeof(out));
    assert_string_equal(out, "未闭合{case_no");
    /* cut at a character boundary, reported */
    assert_int_equal(template_render("锦州锦州锦州", p, out, 8), 1);
    assert_string_equal(out, "锦州");
    assert_true(utf8_valid(out, strlen(out)));
    json_decref(p);
}

static void
test_defaults_render(void **state)
{
    json_t *p = json_pack("{s:s, s:s, s:s, s:s}", "case_no", "JZ1", "query_code",
                          "654321", "deadline", "2026-12-01", "reason",
                          "需要现场勘查");
    char out[TEMPLATE_TEXT_MAX];

    (void)state;
    template_render(template_find("receipt")->body, p, out, sizeof(out));
    assert_non_null(strstr(out, "JZ1"));
    assert_non_null(strstr(out, "654321"));
    template_render(template_find("extension_approved")->body, p, out,
                    sizeof(out));
    assert_non_null(strstr(out, "2026-12-01"));
    assert_non_null(strstr(out, "需要现场勘查"));
    /* every default passes its own check and uses no unknown name */
    for (size_t i = 0; i < notify_ntemplates; i++) {
        struct err e = ERR_INIT;

        assert_int_equal(template_check(&notify_templates[i],
                                        notify_templates[i].body, &e),
                         0);
    }
    json_decref(p);
}

static void
test_check(void **state)
{
    const struct notify_template *t = template_find("receipt");
    struct err e = ERR_INIT;
    char big[TEMPLATE_BODY_MAX * 3 + 8];

    (void)state;
    assert_null(template_find("nope"));
    assert_int_equal(template_check(t, "编号{case_no}", &e), 0);
    assert_true(template_check(t, "编号{deadline}", &e) < 0);
    assert_string_equal(e.field, "body");
    assert_true(template_check(t, "编号{case_no", &e) < 0);
    assert_true(template_check(t, "编号}", &e) < 0);
    assert_true(template_check(t, "", &e) < 0);
    /* "{{" is a literal brace; a lone "}" after it is still refused */
    assert_true(template_check(t, "{{字面}", &e) < 0);
    assert_int_equal(template_check(t, "{{字面", &e), 0);
    memset(big, 'a', TEMPLATE_BODY_MAX + 1);
    big[TEMPLATE_BODY_MAX + 1] = '\0';
    assert_true(template_check(t, big, &e) < 0);
    big[TEMPLATE_BODY_MAX] = '\0';
    assert_int_equal(template_check(t, big, &e), 0);
    assert_true(template_check(t, "\xff\xfe", &e) < 0);
}

static void
test_sms_template_id(void **state)
{
    char out[64];

    (void)state;
    notify_sms_template_id("receipt=SMS_1,replied=SMS_3", "replied", out,
                           sizeof(out));
    assert_string_equal(out, "SMS_3");
    notify_sms_template_id("receipt=SMS_1,replied=SMS_3", "receipt", out,
                           sizeof(out));
    assert_string_equal(out, "SMS_1");
    notify_sms_template_id("receipt=SMS_1", "reopened", out, sizeof(out));
    assert_string_equal(out, "reopened");
    notify_sms_template_id("", "red", out, sizeof(out));
    assert_string_equal(out, "red");
    notify_sms_template_id("receipts=X", "receipt", out, sizeof(out));
    assert_string_equal(out, "receipt");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff),       cmocka_unit_test(test_render),
        cmocka_unit_test(test_defaults_render), cmocka_unit_test(test_check),
        cmocka_unit_test(test_sms_template_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
