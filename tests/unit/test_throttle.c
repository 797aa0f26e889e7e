/* test_throttle.c — the pure parts of authentication hardening: password
 * rules, trusted-proxy address handling, lock-out lengths, the config
 * options; and the login counters against a real SQLite store. */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config.h"
#include "db/db.h"
#include "org/password.h"
#include "org/throttle.h"

static int
pw_ok(const char *pw, const char *user)
{
    struct err e = ERR_INIT;
    int rc = password_check(pw, user, "password", &e);

    if (rc < 0) {
        assert_int_equal(e.code, ERR_VALIDATION);
        assert_string_equal(e.field, "password");
    }
    return rc == 0;
}

/* RULE password-staff */
static void
test_password_rules(void **state)
{
    (void)state;
    /* The seeded demo password passes the rules (docs/security.md). */
    assert_true(pw_ok("demo-pass-2026", "agent"));
    assert_true(pw_ok("Correct-Horse7", "zjj.handler"));
    assert_true(pw_ok("锦州热线-2026-ab", "x")); /* non-ASCII counts as other */
    /* length: 10 characters (code points), not bytes */
    assert_false(pw_ok("Ab1-Ab1-a", "x"));
    assert_true(pw_ok("Ab1-Ab1-ab", "x"));
    assert_false(pw_ok("锦州热线12a", "x")); /* 7 chars, 15 bytes */
    /* 3 of 4 classes */
    assert_false(pw_ok("abcdefghijkl", "x"));
    assert_false(pw_ok("abcdefgh1234", "x"));
    assert_true(pw_ok("abcdefgh123!", "x"));
    assert_true(pw_ok("Abcdefgh1234", "x"));
    /* not the username, in any case */
    assert_false(pw_ok("Xx-zjj.handler-1", "zjj.handler"));
    assert_false(pw_ok("1-ADMIN-pass-x", "admin"));
    assert_true(pw_ok("1-ADMIN-pass-x", "ab")); /* names < 3 chars ignored */
    /* common passwords, in any case */
    assert_false(pw_ok("P@ssw0rd123", "x"));
    assert_false(pw_ok("Admin@123456", "x"));
    assert_true(pw_ok("Admin@1234567", "x"));
    /* bounds */
    char big[PASSWORD_MAX_BYTES + 2];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[0] = 'A';
    big[1] = '1';
    assert_false(pw_ok(big, "x"));
    big[PASSWORD_MAX_BYTES] = '\0';
    assert_true(pw_ok(big, "x"));
    assert_false(pw_ok("Ab1-\xff\xfe-abcdef", "x"));
}

static void
test_ip_list(void **state)
{
    unsigned char ips[TRUSTED_PROXIES_MAX][16];
    int n;

    (void)state;
    assert_int_equal(ip_list_parse("", ips, TRUSTED_PROXIES_MAX, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(
        ip_list_parse("10.0.0.1, 10.0.0.2,::1", ips, TRUSTED_PROXIES_MAX, &n),
        0);
    assert_int_equal(n, 3);
    assert_true(ip_list_contains(ips, n, "10.0.0.2"));
    assert_true(ip_list_contains(ips, n, "::1"));
    assert_true(ip_list_contains(ips, n, "0:0:0:0:0:0:0:1"));
    assert_false(ip_list_contains(ips, n, "10.0.0.3"));
    assert_false(ip_list_contains(ips, n, "garbage"));
    assert_int_equal(ip_list_parse("10.0.0.1,nope", ips, TRUSTED_PROXIES_MAX,
                                   &n),
                     -1);
    assert_int_equal(ip_list_parse("10.0.0.0/8", ips, TRUSTED_PROXIES_MAX, &n),
                     -1);
    assert_int_equal(ip_list_parse("1.1.1.1,2.2.2.2,3.3.3.3", ips, 2, &n), -1);
}

static void
test_client_ip(void **state)
{
    unsigned char ips[TRUSTED_PROXIES_MAX][16];
    char out[64];
    int n;

    (void)state;
    assert_int_equal(
        ip_list_parse("127.0.0.1,10.0.0.9", ips, TRUSTED_PROXIES_MAX, &n), 0);
    /* untrusted peer: its X-Forwarded-For is ignored */
    client_ip_from("192.0.2.7", "203.0.113.5", ips, n, out, sizeof(out));
    assert_string_equal(out, "192.0.2.7");
    /* trusted peer: the right-most untrusted hop */
    client_ip_from("127.0.0.1", "203.0.113.5", ips, n, out, sizeof(out));
    assert_string_equal(out, "203.0.113.5");
    client_ip_from("127.0.0.1", "1.2.3.4, 203.0.113.5 , 10.0.0.9", ips, n, out,
                   sizeof(out));
    assert_string_equal(out, "203.0.113.5"); /* a spoofed 1.2.3.4 is ignored */
    /* garbage stops the walk at the last trusted hop */
    client_ip_from("127.0.0.1", "1.2.3.4, junk, 10.0.0.9", ips, n, out,
                   sizeof(out));
    assert_string_equal(out, "10.0.0.9");
    client_ip_from("127.0.0.1", NULL, ips, n, out, sizeof(out));
    assert_string_equal(out, "127.0.0.1");
    client_ip_from("127.0.0.1", "", ips, n, out, sizeof(out));
    assert_string_equal(out, "127.0.0.1");
    /* no trusted proxies configured */
    client_ip_from("127.0.0.1", "203.0.113.5", ips, 0, out, sizeof(out));
    assert_string_equal(out, "127.0.0.1");
}

/* RULE login-throttle: lock-outs double, capped. */
static void
test_lockout(void **state)
{
    (void)state;
    assert_int_equal(throttle_lockout(300, 1, THROTTLE_LOCK_CAP), 300);
    assert_int_equal(throttle_lockout(300, 2, THROTTLE_LOCK_CAP), 600);
    assert_int_equal(throttle_lockout(300, 3, THROTTLE_LOCK_CAP), 1200);
    assert_int_equal(throttle_lockout(300, 50, THROTTLE_LOCK_CAP),
                     THROTTLE_LOCK_CAP);
    assert_int_equal(throttle_lockout(300, INT64_MAX, THROTTLE_LOCK_CAP),
                     THROTTLE_LOCK_CAP);
}

static void
test_config_options(void **state)
{
    struct config c;
    struct err e = ERR_INIT;

    (void)state;
    config_defaults(&c);
    assert_int_equal(c.session_idle, 4 * 3600);
    assert_int_equal(c.session_absolute, 12 * 3600);
    assert_int_equal(c.login_max_failures, 5);
    assert_string_equal(c.trusted_proxies, "");
    assert_int_equal(config_set(&c, "trusted-proxies", "10.0.0.1,::1", &e), 0);
    assert_true(config_set(&c, "trusted-proxies", "10.0.0.1,proxy", &e) < 0);
    assert_string_equal(e.field, "trusted-proxies");
    assert_true(config_set(&c, "session-idle", "0", &e) < 0);
    assert_int_equal(config_set(&c, "login-lockout", "2", &e), 0);
    assert_int_equal(security_configure(&c, &e), 0);
    assert_int_equal(security()->login_lockout, 2);
    assert_int_equal(security()->ntrusted, 2);
}

/* The counters against a real store: N failures lock, success clears the
 * account (not the address), the lock ends. */
static void
test_login_counters(void **state)
{
    struct config c;
    struct err e = ERR_INIT;
    struct db *db = NULL;
    char path[] = "/tmp/hotline-test-throttle-XXXXXX";
    int fd = mkstemp(path);
    int64_t retry, now = 1000000;

    (void)state;
    assert_true(fd >= 0);
    close(fd);
    config_defaults(&c);
    c.login_max_failures = 3;
    c.login_ip_max_failures = 5;
    c.login_lockout = 10;
    c.login_window = 100;
    assert_int_equal(security_configure(&c, &e), 0);
    assert_int_equal(db_open(path, &db, &e), 0);
    assert_true(db_migrate(db, &e) >= 0);

    for (int i = 0; i < 2; i++)
        assert_int_equal(throttle_login_failed(db, "Bob", "1.1.1.1", now, &e),
                         0);
    assert_int_equal(throttle_login_check(db, "bob", "1.1.1.1", now, &retry, &e),
                     0);
    /* success clears the account counter: two more failures do not lock */
    assert_int_equal(throttle_login_succeeded(db, "bob", &e), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(throttle_login_failed(db, "bob", "2.2.2.2", now, &e),
                         0);
    assert_int_equal(throttle_login_check(db, "bob", "3.3.3.3", now, &retry, &e),
                     0);
    /* the third in the window locks the account ("Bob" == "bob") */
    assert_int_equal(throttle_login_failed(db, "BOB", "2.2.2.2", now + 1, &e),
                     0);
    assert_int_equal(
        throttle_login_check(db, "bob", "3.3.3.3", now + 1, &retry, &e), 1);
    assert_int_equal(retry, 10);
    assert_int_equal(
        throttle_login_check(db, "bob", "3.3.3.3", now + 11, &retry, &e), 0);
    /* a second lock-out in a row lasts twice as long */
    for (int i = 0; i < 3; i++)
        assert_int_equal(
            throttle_login_failed(db, "bob", "4.4.4.4", now + 12, &e), 0);
    assert_int_equal(
        throttle_login_check(db, "bob", "9.9.9.9", now + 12, &retry, &e), 1);
    assert_int_equal(retry, 20);
    /* the address 2.2.2.2 has 3 failures + 1.1.1.1's do not count for it;
     * two more lock the address for every account */
    for (int i = 0; i < 2; i++)
        assert_int_equal(
            throttle_login_failed(db, "other", "2.2.2.2", now + 13, &e), 0);
    assert_int_equal(
        throttle_login_check(db, "carol", "2.2.2.2", now + 13, &retry, &e), 1);
    assert_int_equal(
        throttle_login_check(db, "carol", "5.5.5.5", now + 13, &retry, &e), 0);
    /* failures outside the window start over */
    assert_int_equal(throttle_login_failed(db, "dave", "6.6.6.6", now, &e), 0);
    assert_int_equal(throttle_login_failed(db, "dave", "6.6.6.6", now, &e), 0);
    assert_int_equal(
        throttle_login_failed(db, "dave", "6.6.6.6", now + 101, &e), 0);
    assert_int_equal(
        throttle_login_check(db, "dave", "7.7.7.7", now + 101, &retry, &e), 0);

    db_close(db);
    unlink(path);
    config_defaults(&c);
    assert_int_equal(security_configure(&c, &e), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_rules),
        cmocka_unit_test(test_ip_list),
        cmocka_unit_test(test_client_ip),
        cmocka_unit_test(test_lockout),
        cmocka_unit_test(test_config_options),
        cmocka_unit_test(test_login_counters),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
