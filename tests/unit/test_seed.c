/* test_seed.c — the demo seeder: the organisation it creates, that a second
 * seed_org is refused, that seed_cases is reproducible and consistent. */
#include "common.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "db/db.h"
#include "seed/seed.h"
#include "util/buf.h"
#include "util/timeutil.h"

static char tmpdir[64];
static int ndb;

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int
group_setup(void **state)
{
    (void)state;
    log_set_level(LOG_WARN);
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/hotline-test-seed-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static struct db *
fresh_db(void)
{
    char path[128];
    struct db *db = NULL;
    struct err e = ERR_INIT;

    snprintf(path, sizeof(path), "%s/seed-%d.db", tmpdir, ndb++);
    assert_int_equal(db_open(path, &db, &e), 0);
    assert_true(db_migrate(db, &e) >= 0);
    return db;
}

static int64_t
count(struct db *db, const char *sql)
{
    struct err e = ERR_INIT;
    int64_t n = -1;

    assert_int_equal(db_query_int(db, &e, &n, sql, ""), 1);
    return n;
}

/* 2026-11-29 12:00 city time */
#define NOW ((int64_t)1795924800)

static void
test_org(void **state)
{
    struct db *db = fresh_db();
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(seed_org(db, NOW, &e), 0);
    /* 7 official county-level divisions + 3 zones; 104 + 8 townships */
    assert_int_equal(count(db, "SELECT count(*) FROM districts WHERE level = 1"), 10);
    assert_int_equal(count(db, "SELECT count(*) FROM districts WHERE level = 2"), 112);
    assert_int_equal(count(db, "SELECT count(*) FROM units WHERE kind = 'platform'"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM units WHERE kind = 'district'"), 10);
    assert_true(count(db, "SELECT count(*) FROM units WHERE kind = 'department'") >= 25);
    /* every unit but the platform has a handler and a unit_admin */
    assert_int_equal(count(db, "SELECT count(*) FROM units u WHERE kind <> 'platform' "
                               "AND NOT EXISTS (SELECT 1 FROM users WHERE "
                               "username = u.code || '.handler' AND role = 'handler' "
                               "AND unit_id = u.id)"),
                     0);
    assert_int_equal(count(db, "SELECT count(*) FROM units u WHERE kind <> 'platform' "
                               "AND NOT EXISTS (SELECT 1 FROM users WHERE "
                               "username = u.code || '.admin' AND role = 'unit_admin')"),
                     0);
    assert_int_equal(count(db, "SELECT count(*) FROM users WHERE username IN "
                               "('admin','agent','dispatcher','supervisor','leader') "
                               "AND role = username"),
                     5);
    /* path = parent's path + own id */
    assert_int_equal(count(db, "SELECT count(*) FROM units u JOIN units p ON "
                               "p.id = u.parent_id WHERE u.path <> p.path || u.id || '/'"),
                     0);
    assert_int_equal(count(db, "SELECT count(*) FROM units WHERE parent_id IS NULL "
                               "AND path <> '/' || id || '/'"),
                     0);
    /* every leaf category of a 12345 matter has a unit, except 其他 */
    assert_int_equal(count(db, "SELECT count(*) FROM categories WHERE "
                               "default_unit_id IS NULL AND code <> '99'"),
                     0);
    /* a second seed is refused */
    assert_int_equal(seed_org(db, NOW, &e), -ERR_CONFLICT);
    db_close(db);
}

/* A digest of the seeded cases: case numbers, statuses, texts, units. */
static char *
digest(struct db *db)
{
    struct err e = ERR_INIT;
    struct db_stmt *st;
    struct buf b;
    int rc;

    buf_init(&b, 8 * 1024 * 1024);
    st = db_query(db, &e,
                  "SELECT case_no, status, channel, title, content, "
                  "COALESCE(lead_unit_id, 0), COALESCE(due_at, 0) FROM cases "
                  "ORDER BY id",
                  "");
    assert_non_null(st);
    while ((rc = db_step(st, &e)) > 0)
        buf_addf(&b, "%s|%s|%s|%s|%s|%lld|%lld\n", db_col_text(st, 0),
                 db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
                 db_col_text(st, 4), (long long)db_col_int(st, 5),
                 (long long)db_col_int(st, 6));
    db_reset(st);
    assert_int_equal(rc, 0);
    assert_false(b.failed);
    return buf_detach(&b, NULL);
}

static void
test_cases(void **state)
{
    struct db *a = fresh_db(), *b = fresh_db();
    struct err e = ERR_INIT;
    char *da, *db_;

    (void)state;
    assert_int_equal(seed_org(a, NOW, &e), 0);
    assert_int_equal(seed_cases(a, 400, NOW, 7, &e), 0);
    assert_int_equal(count(a, "SELECT count(*) FROM cases"), 400);
    /* nothing happens after now, and every timeline runs forward */
    assert_int_equal(count(a, "SELECT count(*) FROM case_events WHERE at > 1795924800"), 0);
    assert_int_equal(count(a, "SELECT count(*) FROM cases WHERE created_at < 1795924800 - 90 * 86400"), 0);
    assert_int_equal(count(a, "SELECT count(*) FROM case_events x JOIN case_events y "
                              "ON y.case_id = x.case_id AND y.id > x.id AND y.at < x.at"),
                     0);
    /* the main paths all occur */
    assert_true(count(a, "SELECT count(DISTINCT status) FROM cases") >= 6);
    assert_true(count(a, "SELECT count(DISTINCT channel) FROM cases") >= 5);
    assert_true(count(a, "SELECT count(*) FROM cases WHERE status = 'closed'") > 200);
    assert_true(count(a, "SELECT count(*) FROM case_events WHERE action = 'return'") > 0);
    assert_true(count(a, "SELECT count(*) FROM visits") > 100);
    /* the lead on the case row is the active lead assignment */
    assert_int_equal(count(a, "SELECT count(*) FROM cases c WHERE lead_unit_id IS NOT NULL "
                              "AND NOT EXISTS (SELECT 1 FROM assignments x WHERE "
                              "x.case_id = c.id AND x.role = 'lead' AND x.active = 1 "
                              "AND x.unit_id = c.lead_unit_id)"),
                     0);

    /* same inputs, same data */
    assert_int_equal(seed_org(b, NOW, &e), 0);
    assert_int_equal(seed_cases(b, 400, NOW, 7, &e), 0);
    da = digest(a);
    db_ = digest(b);
    assert_string_equal(da, db_);
    free(da);
    free(db_);
    db_close(a);
    db_close(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_org),
        cmocka_unit_test(test_cases),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
