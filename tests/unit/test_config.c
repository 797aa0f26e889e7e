/* test_config.c — defaults < environment < flags; bad values name the
 * option; unknown arguments go to rest or fail. */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "config.h"

/* argv strings are writable in main(); here they are literals. */
#define A(x) ((char *)(uintptr_t)(x))

static void
test_defaults(void **state)
{
    struct config c;
    struct http_config h;

    (void)state;
    config_defaults(&c);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_string_equal(c.db, "data/hotline.db");
    assert_string_equal(c.static_dir, "web/dist");
    assert_int_equal(c.max_connections, 1024);
    assert_int_equal(c.timeout_s, 30);
    assert_int_equal(c.max_body, 1024 * 1024);
    assert_int_equal(c.log_level, LOG_INFO);
    assert_true(c.threads >= 2 && c.threads <= 64);
    config_http(&c, &h);
    assert_string_equal(h.listen, "127.0.0.1:8080");
    assert_int_equal(h.max_body, 1024 * 1024);
}

static void
test_precedence(void **state)
{
    char *argv[] = {A("--threads"), A("7"), A("--listen=0.0.0.0:9000"),
                    A("--static"), A("")};
    struct config c;
    struct http_config h;
    struct err e = ERR_INIT;

    (void)state;
    config_defaults(&c);
    assert_int_equal(setenv("HOTLINE_THREADS", "3", 1), 0);
    assert_int_equal(setenv("HOTLINE_DB", "/tmp/x.db", 1), 0);
    assert_int_equal(setenv("HOTLINE_MAX_BODY", "64k", 1), 0);
    assert_int_equal(config_from_env(&c, &e), 0);
    assert_int_equal(c.threads, 3);
    assert_string_equal(c.db, "/tmp/x.db");
    assert_int_equal(c.max_body, 65536);
    assert_int_equal(config_parse_args(&c, 5, argv, NULL, NULL, &e), 0);
    assert_int_equal(c.threads, 7); /* flag beats environment */
    assert_string_equal(c.listen, "0.0.0.0:9000");
    assert_string_equal(c.db, "/tmp/x.db");
    config_http(&c, &h);
    assert_null(h.static_dir); /* "" means none */

    assert_int_equal(setenv("HOTLINE_TIMEOUT", "0", 1), 0);
    assert_true(config_from_env(&c, &e) < 0);
    assert_string_equal(e.field, "HOTLINE_TIMEOUT");
    unsetenv("HOTLINE_TIMEOUT");
    unsetenv("HOTLINE_THREADS");
    unsetenv("HOTLINE_DB");
    unsetenv("HOTLINE_MAX_BODY");
}

static void
test_bad_values(void **state)
{
    static const struct {
        const char *arg, *value, *field;
    } cases[] = {
        {"--threads", "0", "--threads"},
        {"--threads", "four", "--threads"},
        {"--threads", "100000", "--threads"},
        {"--listen", "8080", "--listen"},
        {"--listen", "127.0.0.1:0", "--listen"},
        {"--listen", "127.0.0.1:65536", "--listen"},
        {"--listen", "::1:8080", "--listen"},
        {"--log-level", "loud", "--log-level"},
        {"--max-body", "10g", "--max-body"},
        {"--max-body", "12", "--max-body"},
        {"--db", "", "--db"},
        {"--timeout", "-1", "--timeout"},
    };
    struct config c;
    struct err e;
    char *argv[2];
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        config_defaults(&c);
        err_clear(&e);
        argv[0] = (char *)(uintptr_t)cases[i].arg;
        argv[1] = (char *)(uintptr_t)cases[i].value;
        if (config_parse_args(&c, 2, argv, NULL, NULL, &e) >= 0)
            fail_msg("%s %s: accepted", cases[i].arg, cases[i].value);
        assert_string_equal(e.field, cases[i].field);
        assert_non_null(strstr(e.message, cases[i].field));
    }
    /* good edge values */
    config_defaults(&c);
    {
        char *ok[] = {A("--listen"),   A("[::1]:8080"), A("--log-level"),
                      A("debug"),      A("--max-body"), A("2M")};

        assert_int_equal(config_parse_args(&c, 6, ok, NULL, NULL, &e), 0);
        assert_int_equal(c.log_level, LOG_DEBUG);
        assert_int_equal(c.max_body, 2 * 1024 * 1024);
    }
}

static void
test_rest_and_help(void **state)
{
    char *argv[] = {A("--demo"),       A("--db"), A("x.db"),
                    A("positional"), A("--"),   A("--threads")};
    char *rest[6];
    char *help[] = {A("--db"), A("y"), A("--help")};
    char *missing[] = {A("--db")};
    struct config c;
    struct err e = ERR_INIT;
    int n = -1;

    (void)state;
    config_defaults(&c);
    assert_int_equal(config_parse_args(&c, 6, argv, rest, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal(rest[0], "--demo");
    assert_string_equal(rest[1], "positional");
    assert_string_equal(rest[2], "--threads"); /* after "--": not an option */
    assert_string_equal(c.db, "x.db");

    config_defaults(&c);
    assert_true(config_parse_args(&c, 6, argv, NULL, NULL, &e) < 0);
    assert_non_null(strstr(e.message, "--demo"));

    assert_int_equal(config_parse_args(&c, 3, help, NULL, NULL, &e), 1);
    assert_true(config_parse_args(&c, 1, missing, NULL, NULL, &e) < 0);
    assert_string_equal(e.field, "--db");

    assert_int_equal(config_set(&c, "max-connections", "64", &e), 0);
    assert_int_equal(c.max_connections, 64);
    assert_true(config_set(&c, "nope", "1", &e) < 0);
}

static void
test_help_lists_every_option(void **state)
{
    static const char *const names[] = {"--listen", "HOTLINE_LISTEN",
                                        "--db", "--static", "--threads",
                                        "--max-connections", "--timeout",
                                        "--max-body", "--log-level"};
    char *text = NULL;
    size_t len = 0;
    FILE *f;
    size_t i;

    (void)state;
    f = open_memstream(&text, &len);
    assert_non_null(f);
    config_help(f);
    assert_int_equal(fclose(f), 0);
    for (i = 0; i < ARRAY_SIZE(names); i++)
        if (strstr(text, names[i]) == NULL)
            fail_msg("help lacks %s", names[i]);
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_rest_and_help),
        cmocka_unit_test(test_help_lists_every_option),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
