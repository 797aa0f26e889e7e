/* test_router.c — route matching (404 vs 405, captures, HEAD), the route
 * table check, and the static-file path rules. */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/router.h"
#include "http/static.h"
#include "org/user.h"

static int
h_dummy(struct req *r, struct resp *out, struct err *e)
{
    (void)r;
    (void)out;
    (void)e;
    return 0;
}

static const struct route routes[] = {
    {"GET", "/healthz", h_dummy, ACCESS_PUBLIC, 0, 0},
    {"GET", "/api/v1/cases", h_dummy, ACCESS_STAFF, ROLE_BITS_ALL, 0},
    {"POST", "/api/v1/cases", h_dummy, ACCESS_STAFF, ROLE_BITS_ALL, 65536},
    {"GET", "/api/v1/cases/:id", h_dummy, ACCESS_STAFF, ROLE_BITS_ALL, 0},
    {"GET", "/api/v1/cases/:id/similar", h_dummy, ACCESS_STAFF, ROLE_BITS_ALL,
     0},
    {"POST", "/api/v1/cases/:id/:action", h_dummy, ACCESS_STAFF,
     ROLE_BITS_ALL, 16384},
    {"GET", "/api/v1/public/cases/:case_no", h_dummy, ACCESS_PUBLIC, 0, 0},
    {"DELETE", "/api/v1/users/:id", h_dummy, ACCESS_STAFF, ROLE_BIT_ADMIN, 0},
    {"PATCH", "/api/v1/users/:id", h_dummy, ACCESS_STAFF, ROLE_BIT_ADMIN,
     4096},
    {"GET", "/a/:b/c/:d/e/:f/g/:h", h_dummy, ACCESS_PUBLIC, 0, 0},
};

static void
test_match(void **state)
{
    static const struct {
        const char *method, *path;
        int want;           /* route index or ROUTER_NO_* */
        int nparams;
        const char *p0, *p1;
        const char *allow;  /* for ROUTER_NO_METHOD */
    } cases[] = {
        {"GET", "/healthz", 0, 0, NULL, NULL, NULL},
        {"HEAD", "/healthz", 0, 0, NULL, NULL, NULL},
        {"POST", "/healthz", ROUTER_NO_METHOD, 0, NULL, NULL, "GET, HEAD"},
        {"GET", "/healthz/", ROUTER_NO_PATH, 0, NULL, NULL, NULL},
        {"GET", "/healthzz", ROUTER_NO_PATH, 0, NULL, NULL, NULL},
        {"GET", "/", ROUTER_NO_PATH, 0, NULL, NULL, NULL},
        {"GET", "", ROUTER_NO_PATH, 0, NULL, NULL, NULL},
        {"GET", "/api/v1/cases", 1, 0, NULL, NULL, NULL},
        {"POST", "/api/v1/cases", 2, 0, NULL, NULL, NULL},
        {"PUT", "/api/v1/cases", ROUTER_NO_METHOD, 0, NULL, NULL,
         "GET, HEAD, POST"},
        {"GET", "/api/v1/cases/12", 3, 1, "12", NULL, NULL},
        {"GET", "/api/v1/cases/JZ20261129000012", 3, 1, "JZ20261129000012",
         NULL, NULL},
        {"GET", "/api/v1/cases//", ROUTER_NO_PATH, 0, NULL, NULL, NULL},
        {"GET", "/api/v1/cases/12/similar", 4, 1, "12", NULL, NULL},
        {"POST", "/api/v1/cases/12/dispatch", 5, 2, "12", "dispatch", NULL},
        {"GET", "/api/v1/cases/12/dispatch", ROUTER_NO_METHOD, 0, NULL, NULL,
         "POST"},
        {"POST", "/api/v1/cases/12/similar", 5, 2, "12", "similar", NULL},
        {"POST", "/api/v1/cases/12/dispatch/x", ROUTER_NO_PATH, 0, NULL, NULL,
         NULL},
        {"GET", "/api/v1/public/cases/噪音", 6, 1, "噪音", NULL, NULL},
        {"GET", "/api/v1/users/3", ROUTER_NO_METHOD, 0, NULL, NULL,
         "DELETE, PATCH"},
        {"PATCH", "/api/v1/users/3", 8, 1, "3", NULL, NULL},
        {"GET", "/a/1/c/2/e/3/g/4", 9, 4, "1", "2", NULL},
        {"get", "/healthz", ROUTER_NO_METHOD, 0, NULL, NULL, "GET, HEAD"},
    };
    struct router_match m;
    struct arena a;
    size_t i;
    int rc;

    (void)state;
    arena_init(&a, 1 << 20);
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        rc = router_match(routes, ARRAY_SIZE(routes), cases[i].method,
                          cases[i].path, &a, &m);
        if (rc != cases[i].want)
            fail_msg("%s %s: got %d, want %d", cases[i].method, cases[i].path,
                     rc, cases[i].want);
        if (rc >= 0) {
            assert_int_equal(m.nparams, cases[i].nparams);
            if (cases[i].p0)
                assert_string_equal(m.params[0], cases[i].p0);
            if (cases[i].p1)
                assert_string_equal(m.params[1], cases[i].p1);
        }
        if (rc == ROUTER_NO_METHOD)
            assert_string_equal(m.allow, cases[i].allow);
    }
    arena_release(&a);
}

static void
test_check(void **state)
{
    static const struct route bad_method[] = {
        {"FETCH", "/x", h_dummy, ACCESS_PUBLIC, 0, 0}};
    static const struct route bad_pattern[] = {
        {"GET", "x", h_dummy, ACCESS_PUBLIC, 0, 0}};
    static const struct route empty_cap[] = {
        {"GET", "/x/:/y", h_dummy, ACCESS_PUBLIC, 0, 0}};
    static const struct route too_many[] = {
        {"GET", "/:a/:b/:c/:d/:e", h_dummy, ACCESS_PUBLIC, 0, 0}};
    static const struct route no_roles[] = {
        {"GET", "/x", h_dummy, ACCESS_STAFF, 0, 0}};
    static const struct route no_handler[] = {
        {"GET", "/x", NULL, ACCESS_PUBLIC, 0, 0}};
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(router_check(routes, ARRAY_SIZE(routes), &e), 0);
    assert_true(router_check(bad_method, 1, &e) < 0);
    assert_true(router_check(bad_pattern, 1, &e) < 0);
    assert_true(router_check(empty_cap, 1, &e) < 0);
    assert_true(router_check(too_many, 1, &e) < 0);
    assert_true(router_check(no_roles, 1, &e) < 0);
    assert_true(router_check(no_handler, 1, &e) < 0);
}

static void
test_static_paths(void **state)
{
    static const struct {
        const char *path;
        int ok;
    } cases[] = {
        {"/", 1},
        {"/index.html", 1},
        {"/assets/app-3f2a.js", 1},
        {"/dispatch/desk", 1},
        {"/..", 0},
        {"/../etc/passwd", 0},
        {"/assets/../../x", 0},
        {"/assets/..", 0},
        {"/./index.html", 0},
        {"/.env", 0},
        {"/assets/.hidden", 0},
        {"//etc/passwd", 0},
        {"/assets//x.js", 0},
        {"/assets/", 0},
        {"/a\\..\\b", 0},
        {"/a\nb", 0},
        {"relative", 0},
        {"", 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(cases); i++)
        if (static_path_ok(cases[i].path) != cases[i].ok)
            fail_msg("\"%s\": want %d", cases[i].path, cases[i].ok);
    assert_string_equal(static_mime("/a/b.js"), "text/javascript; charset=utf-8");
    assert_string_equal(static_mime("/x.WOFF2"), "font/woff2");
    assert_string_equal(static_mime("/m.webmanifest"),
                        "application/manifest+json; charset=utf-8");
    assert_string_equal(static_mime("/index.html"), "text/html; charset=utf-8");
    assert_string_equal(static_mime("/a.b/c"), "application/octet-stream");
    assert_string_equal(static_mime("/noext"), "application/octet-stream");
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void
test_static_lookup(void **state)
{
    char root[] = "/tmp/hotline-static-XXXXXX";
    char path[256];
    char outside[300];
    struct static_file f;
    int fd;

    (void)state;
    assert_non_null(mkdtemp(root));
    snprintf(path, sizeof(path), "%s/assets", root);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/index.html", root);
    write_file(path, "<html>");
    snprintf(path, sizeof(path), "%s/assets/app.js", root);
    write_file(path, "x()");
    snprintf(outside, sizeof(outside), "%s-outside", root);
    write_file(outside, "secret");
    snprintf(path, sizeof(path), "%s/link.txt", root);
    assert_int_equal(symlink(outside, path), 0);

    fd = static_root_open(root);
    assert_true(fd >= 0);

    assert_int_equal(static_lookup(fd, "/", &f), 1);
    assert_int_equal(f.size, 6);
    assert_string_equal(f.cache_control, "no-cache");
    close(f.fd);

    assert_int_equal(static_lookup(fd, "/assets/app.js", &f), 1);
    assert_int_equal(f.size, 3);
    assert_string_equal(f.cache_control,
                        "public, max-age=31536000, immutable");
    assert_string_equal(f.mime, "text/javascript; charset=utf-8");
    close(f.fd);

    /* SPA fallback for extension-less client routes only */
    assert_int_equal(static_lookup(fd, "/unit/workbench", &f), 1);
    assert_string_equal(f.mime, "text/html; charset=utf-8");
    close(f.fd);
    assert_int_equal(static_lookup(fd, "/missing.png", &f), 0);
    assert_int_equal(static_lookup(fd, "/assets/missing", &f), 0);
    /* directories, symlinks and traversal are not served */
    assert_int_equal(static_lookup(fd, "/assets", &f), 1); /* -> SPA */
    assert_string_equal(f.mime, "text/html; charset=utf-8");
    close(f.fd);
    assert_int_equal(static_lookup(fd, "/link.txt", &f), 0);
    assert_int_equal(static_lookup(fd, "/../x", &f), 0);

    close(fd);
    unlink(path);
    unlink(outside);
    snprintf(path, sizeof(path), "%s/assets/app.js", root);
    unlink(path);
    snprintf(path, sizeof(path), "%s/index.html", root);
    unlink(path);
    snprintf(path, sizeof(path), "%s/assets", root);
    rmdir(path);
    rmdir(root);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_static_paths),
        cmocka_unit_test(test_static_lookup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
