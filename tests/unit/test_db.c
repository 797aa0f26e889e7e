/* test_db.c — the store over SQLite: db.c, sqlite.c, migrate.c. */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/migrations.h"

static char tmpdir[64];
static int dbseq;

struct fixture {
    struct db *db;
    char path[128];
};

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
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/hotline-test-db-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Tables of the tests' own, so the tests do not follow schema changes. */
static const char test_tables[] =
    "CREATE TABLE tparent (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('a', 'b')),"
    " sort BIGINT NOT NULL DEFAULT 0);"
    "CREATE TABLE tchild (id INTEGER PRIMARY KEY,"
    " parent_id BIGINT NOT NULL REFERENCES tparent(id));"
    "CREATE TABLE twrites (writer BIGINT NOT NULL, n BIGINT NOT NULL,"
    " seq BIGINT NOT NULL, PRIMARY KEY (writer, n));";

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e = ERR_INIT;

    if (!f)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/t%d.db", tmpdir, ++dbseq);
    if (db_open(f->path, &f->db, &e) < 0) {
        fprintf(stderr, "open: %s\n", e.message);
        free(f);
        return -1;
    }
    if (db_migrate(f->db, &e) < 0 ||
        db_exec_script(f->db, test_tables, &e) < 0) {
        fprintf(stderr, "setup: %s\n", e.message);
        db_close(f->db);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    db_close(f->db);
    free(f);
    return 0;
}

static int64_t
count_rows(struct db *db, const char *sql)
{
    struct err e = ERR_INIT;
    int64_t n = -1;

    assert_int_equal(db_query_int(db, &e, &n, sql, ""), 1);
    return n;
}

static void
add_row(struct db *db, const char *code)
{
    struct err e = ERR_INIT;

    assert_int_equal(db_exec(db, &e,
                             "INSERT INTO tparent (code, name, kind) "
                             "VALUES (?, ?, 'a')",
                             "tt", code, "测试单位"),
                     1);
}

/* --- migrations --------------------------------------------------------- */

static void
test_migrate_idempotent(void **state)
{
    struct err e = ERR_INIT;
    struct db *db = NULL;
    char path[128];

    (void)state;
    snprintf(path, sizeof(path), "%s/migrate.db", tmpdir);
    assert_int_equal(db_open(path, &db, &e), 0);
    assert_int_equal(db_kind(db), DB_SQLITE);
    assert_true(db_nmigrations >= 1);
    assert_int_equal(db_migrate(db, &e), db_nmigrations);
    assert_int_equal(db_migrate(db, &e), 0);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM schema_migrations"),
                     db_nmigrations);
    /* @ID@ was rewritten everywhere */
    assert_int_equal(count_rows(db, "SELECT count(*) FROM sqlite_master "
                                    "WHERE sql LIKE '%@ID@%'"),
                     0);
    db_close(db);

    /* A new connection to the same file finds everything applied. */
    assert_int_equal(db_open(path, &db, &e), 0);
    assert_int_equal(db_migrate(db, &e), 0);
    db_close(db);
}

/* --- opening ------------------------------------------------------------- */

static void
test_open_creates_parent_dirs(void **state)
{
    struct err e = ERR_INIT;
    struct db *db = NULL;
    char path[160];
    struct stat sb;

    (void)state;
    snprintf(path, sizeof(path), "sqlite:%s/deep/er/x.db", tmpdir);
    assert_int_equal(db_open(path, &db, &e), 0);
    db_close(db);
    assert_int_equal(stat(path + strlen("sqlite:"), &sb), 0);
}

static void
test_open_postgres_unavailable(void **state)
{
    struct err e = ERR_INIT;
    struct db *db = (struct db *)&e;

    (void)state;
    assert_int_equal(db_open("postgres://localhost/hotline", &db, &e),
                     -ERR_UNAVAILABLE);
    assert_null(db);
    assert_int_equal(e.code, ERR_UNAVAILABLE);
    assert_non_null(strstr(e.message, "postgresql driver not built yet"));
    err_clear(&e);
    assert_int_equal(db_open("postgresql://u@h/d", &db, &e), -ERR_UNAVAILABLE);
}

static void
test_pragmas(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db_stmt *st;

    st = db_query(f->db, &e, "PRAGMA journal_mode", "");
    assert_non_null(st);
    assert_int_equal(db_step(st, &e), 1);
    assert_string_equal(db_col_text(st, 0), "wal");
    db_reset(st);
    assert_int_equal(count_rows(f->db, "PRAGMA synchronous"), 2); /* FULL */
    assert_int_equal(count_rows(f->db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(count_rows(f->db, "PRAGMA busy_timeout"), 10000);
    /* automatic checkpoints kept */
    assert_true(count_rows(f->db, "PRAGMA wal_autocheckpoint") > 0);
}

static void
test_busy_timeout_setting(void **state)
{
    struct err e = ERR_INIT;
    struct db *db = NULL;
    char path[128];

    (void)state;
    snprintf(path, sizeof(path), "%s/busy.db", tmpdir);
    db_set_busy_timeout(2500);
    assert_int_equal(db_open(path, &db, &e), 0);
    db_set_busy_timeout(10000);
    assert_int_equal(count_rows(db, "PRAGMA busy_timeout"), 2500);
    db_close(db);
}

/* --- binding and columns -------------------------------------------------- */

static void
test_bind_types(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db_stmt *st;
    int64_t big = INT64_C(9007199254740993); /* not exact as a double */
    int small = -7;

    assert_int_equal(db_exec_script(f->db,
                                    "CREATE TABLE t (k BIGINT PRIMARY KEY, "
                                    "i BIGINT, ii BIGINT, b SMALLINT, "
                                    "d DOUBLE PRECISION, s TEXT, n TEXT, "
                                    "tn TEXT)",
                                    &e),
                     0);
    assert_int_equal(db_exec(f->db, &e,
                             "INSERT INTO t (k, i, ii, b, d, s, n, tn) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             "iiIbdtnt", (int64_t)1, big, small, 42, 3.25,
                             "锦州市 12345 'quote\"", (const char *)NULL),
                     1);

    st = db_query(f->db, &e, "SELECT i, ii, b, d, s, n, tn FROM t WHERE k = ?",
                  "i", (int64_t)1);
    assert_non_null(st);
    assert_int_equal(db_step(st, &e), 1);
    assert_true(db_col_int(st, 0) == big);
    assert_true(db_col_int(st, 1) == -7);
    assert_int_equal(db_col_int(st, 2), 1); /* 'b' stores 0/1 */
    assert_true(db_col_double(st, 3) == 3.25);
    assert_string_equal(db_col_text(st, 4), "锦州市 12345 'quote\"");
    assert_true(db_col_is_null(st, 5));
    assert_null(db_col_text(st, 5));
    assert_int_equal(db_col_int(st, 5), 0);
    assert_true(db_col_is_null(st, 6));
    assert_false(db_col_is_null(st, 4));
    assert_int_equal(db_step(st, &e), 0);
    db_reset(st);

    /* the same through the single binders */
    st = db_prepare(
        f->db, "INSERT INTO t (k, i, d, s, n, b) VALUES (?, ?, ?, ?, ?, ?)",
        &e);
    assert_non_null(st);
    db_bind_int(st, 1, 2);
    db_bind_int(st, 2, INT64_MIN);
    db_bind_double(st, 3, -0.5);
    db_bind_text(st, 4, "x");
    db_bind_null(st, 5);
    db_bind_text(st, 6, NULL);
    assert_int_equal(db_step(st, &e), 0);
    db_reset(st);
    st =
        db_query(f->db, &e,
                 "SELECT i, d, s, n IS NULL, b IS NULL FROM t WHERE k = 2", "");
    assert_non_null(st);
    assert_int_equal(db_step(st, &e), 1);
    assert_true(db_col_int(st, 0) == INT64_MIN);
    assert_true(db_col_double(st, 1) == -0.5);
    assert_string_equal(db_col_text(st, 2), "x");
    assert_int_equal(db_col_int(st, 3), 1);
    assert_int_equal(db_col_int(st, 4), 1);
    db_reset(st);

    /* 'z': 0 binds NULL; 'D': a NULL pointer binds NULL */
    {
        double lat = 41.12;

        assert_int_equal(db_exec(f->db, &e,
                                 "INSERT INTO t (k, i, ii, d, b) "
                                 "VALUES (?, ?, ?, ?, ?)",
                                 "izzDD", (int64_t)3, (int64_t)0, (int64_t)5,
                                 &lat, (const double *)NULL),
                         1);
        st = db_query(f->db, &e, "SELECT i, ii, d, b FROM t WHERE k = 3", "");
        assert_non_null(st);
        assert_int_equal(db_step(st, &e), 1);
        assert_true(db_col_is_null(st, 0));
        assert_int_equal(db_col_int(st, 1), 5);
        assert_true(db_col_double(st, 2) == 41.12);
        assert_true(db_col_is_null(st, 3));
        db_reset(st);
    }

    /* NULL in a WHERE matches nothing; IS NULL does */
    assert_int_equal(
        count_rows(f->db, "SELECT count(*) FROM t WHERE n IS NULL"), 3);
}

static void
test_bind_error_reported_at_step(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db_stmt *st;

    st = db_prepare(f->db, "SELECT ?", &e);
    assert_non_null(st);
    db_bind_int(st, 5, 1); /* out of range */
    assert_true(db_step(st, &e) < 0);
    assert_int_equal(e.code, ERR_INTERNAL);
    db_reset(st);
    /* the failure does not stick after reset */
    st = db_prepare(f->db, "SELECT ?", &e);
    db_bind_int(st, 1, 9);
    assert_int_equal(db_step(st, &e), 1);
    assert_int_equal(db_col_int(st, 0), 9);
    db_reset(st);
}

static void
test_exec_returns_changes(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;

    add_row(f->db, "a");
    add_row(f->db, "b");
    add_row(f->db, "c");
    assert_int_equal(db_exec(f->db, &e, "UPDATE tparent SET sort = ?", "I", 3),
                     3);
    assert_int_equal(db_exec(f->db, &e,
                             "UPDATE tparent SET sort = 4 WHERE code = ?", "t",
                             "zz"),
                     0);
    /* a query changes nothing, whatever ran before it */
    assert_int_equal(db_exec(f->db, &e, "SELECT code FROM tparent", ""), 0);
}

/* --- errors --------------------------------------------------------------- */

static void
test_constraint_conflict(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    int64_t rc;

    add_row(f->db, "dup");
    rc = db_exec(f->db, &e,
                 "INSERT INTO tparent (code, name, kind) "
                 "VALUES (?, 'x', 'a')",
                 "t", "dup");
    assert_true(rc == -ERR_CONFLICT);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_string_equal(e.message, "unique constraint failed: tparent.code");

    /* foreign keys are enforced */
    err_clear(&e);
    rc = db_exec(f->db, &e, "INSERT INTO tchild (parent_id) VALUES (?)", "i",
                 (int64_t)424242);
    assert_true(rc == -ERR_CONFLICT);
    assert_non_null(strstr(e.message, "foreign key constraint failed"));

    /* CHECK and NOT NULL too */
    err_clear(&e);
    rc = db_exec(f->db, &e,
                 "INSERT INTO tparent (code, name, kind) "
                 "VALUES ('k', 'x', 'planet')",
                 "");
    assert_true(rc == -ERR_CONFLICT);
    err_clear(&e);
    rc = db_exec(f->db, &e,
                 "INSERT INTO tparent (code, name, kind) "
                 "VALUES ('k', ?, 'a')",
                 "n");
    assert_true(rc == -ERR_CONFLICT);
    assert_string_equal(e.message, "not null constraint failed: tparent.name");
}

static void
test_sql_errors(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    int64_t v = 0;

    assert_int_equal(db_query_int(f->db, &e, &v, "SELEKT 1", ""),
                     -ERR_INTERNAL);
    assert_int_equal(e.code, ERR_INTERNAL);
    err_clear(&e);
    assert_null(db_prepare(f->db, "SELECT 1; SELECT 2", &e));
    assert_int_equal(e.code, ERR_INTERNAL);
    err_clear(&e);
    assert_int_equal(db_exec_script(f->db, "CREATE TABLE (", &e),
                     -ERR_INTERNAL);
}

/* --- transactions -----------------------------------------------------------
 */

static void
test_rollback_writes_nothing(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;

    db_rollback(f->db); /* none open: no-op */
    assert_int_equal(db_begin(f->db, &e), 0);
    add_row(f->db, "r1");
    add_row(f->db, "r2");
    db_rollback(f->db);
    assert_int_equal(count_rows(f->db, "SELECT count(*) FROM tparent"), 0);
    db_rollback(f->db);

    assert_int_equal(db_commit(f->db, &e), -ERR_INTERNAL);

    assert_int_equal(db_begin(f->db, &e), 0);
    add_row(f->db, "c1");
    assert_int_equal(db_commit(f->db, &e), 0);
    assert_int_equal(count_rows(f->db, "SELECT count(*) FROM tparent"), 1);
}

static void
test_nested_transactions(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;

    /* inner commit is not a commit: the outer rollback undoes it */
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(db_begin(f->db, &e), 0);
    add_row(f->db, "n1");
    assert_int_equal(db_commit(f->db, &e), 0);
    db_rollback(f->db);
    assert_int_equal(count_rows(f->db, "SELECT count(*) FROM tparent"), 0);

    /* an inner rollback undoes only the inner work (a savepoint) */
    assert_int_equal(db_begin(f->db, &e), 0);
    add_row(f->db, "n2");
    assert_int_equal(db_begin(f->db, &e), 0);
    add_row(f->db, "n3");
    db_rollback(f->db);
    add_row(f->db, "n4");
    assert_int_equal(db_commit(f->db, &e), 0);
    assert_int_equal(count_rows(f->db, "SELECT count(*) FROM tparent"), 2);
    assert_int_equal(count_rows(f->db, "SELECT count(*) FROM tparent "
                                       "WHERE code = 'n3'"),
                     0);
    db_rollback(f->db); /* already over: no-op */
    assert_int_equal(db_exec(f->db, &e, "DELETE FROM tparent", ""), 2);

    /* three levels, all commit */
    err_clear(&e);
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(db_begin(f->db, &e), 0);
    add_row(f->db, "n5");
    assert_int_equal(db_commit(f->db, &e), 0);
    assert_int_equal(db_commit(f->db, &e), 0);
    assert_int_equal(db_commit(f->db, &e), 0);
    assert_int_equal(count_rows(f->db, "SELECT count(*) FROM tparent"), 1);
    assert_int_equal(db_commit(f->db, &e), -ERR_INTERNAL);
}

static void
test_second_writer_waits_then_busy(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db *other = NULL;

    db_set_busy_timeout(50);
    assert_int_equal(db_open(f->path, &other, &e), 0);
    db_set_busy_timeout(10000);
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(db_begin(other, &e), -ERR_UNAVAILABLE);
    assert_int_equal(e.code, ERR_UNAVAILABLE);
    /* readers are not blocked by the writer (WAL) */
    assert_int_equal(count_rows(other, "SELECT count(*) FROM tparent"), 0);
    db_rollback(f->db);
    err_clear(&e);
    assert_int_equal(db_begin(other, &e), 0);
    assert_int_equal(db_commit(other, &e), 0);
    db_close(other);
}

/* --- statement cache --------------------------------------------------------
 */

static const char cached_sql[] = "SELECT ? + 1";

static void
test_statement_cache(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct db_stmt *a;
    struct db_stmt *b;
    int i;

    a = db_prepare(f->db, cached_sql, &e);
    assert_non_null(a);
    db_reset(a);
    b = db_prepare(f->db, cached_sql, &e);
    assert_ptr_equal(a, b);
    db_reset(b);

    /* bindings left by an unfinished use are cleared on prepare */
    a = db_prepare(f->db, cached_sql, &e);
    db_bind_int(a, 1, 41);
    b = db_prepare(f->db, cached_sql, &e);
    assert_ptr_equal(a, b);
    assert_int_equal(db_step(b, &e), 1);
    assert_true(db_col_is_null(b, 0));
    db_reset(b);

    /* many distinct statements (grows the table) stay distinct */
    {
        static const char *const many[] = {
            "SELECT 1", "SELECT 2", "SELECT 3", "SELECT 4", "SELECT 5",
            "SELECT 6", "SELECT 7", "SELECT 8", "SELECT 9", "SELECT 10",
        };
        struct db_stmt *seen[ARRAY_SIZE(many)];
        int64_t v = 0;

        for (i = 0; i < (int)ARRAY_SIZE(many); i++) {
            seen[i] = db_prepare(f->db, many[i], &e);
            assert_non_null(seen[i]);
            db_reset(seen[i]);
        }
        for (i = 0; i < (int)ARRAY_SIZE(many); i++) {
            assert_ptr_equal(db_prepare(f->db, many[i], &e), seen[i]);
            db_reset(seen[i]);
            assert_int_equal(db_query_int(f->db, &e, &v, many[i], ""), 1);
            assert_int_equal(v, i + 1);
        }
    }
}

/* Runs fn in a child and reports whether it aborted (BUG). */
static int
aborts(void (*fn)(const char *path), const char *path)
{
    int status = 0;
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);

        if (fd >= 0)
            dup2(fd, 2);
        fn(path);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void
reuse_in_use(const char *path)
{
    struct err e = ERR_INIT;
    struct db *db = NULL;
    struct db_stmt *st;

    if (db_open(path, &db, &e) < 0)
        _exit(2);
    st = db_prepare(db, cached_sql, &e);
    db_bind_int(st, 1, 1);
    if (db_step(st, &e) != 1)
        _exit(3);
    db_prepare(db, cached_sql, &e); /* still stepping: BUG */
    _exit(4);
}

static void
reuse_after_reset(const char *path)
{
    struct err e = ERR_INIT;
    struct db *db = NULL;
    struct db_stmt *st;

    if (db_open(path, &db, &e) < 0)
        _exit(2);
    st = db_prepare(db, cached_sql, &e);
    db_step(st, &e);
    db_reset(st);
    db_prepare(db, cached_sql, &e);
    db_close(db);
    _exit(0);
}

static void
wrong_type_count(const char *path)
{
    struct err e = ERR_INIT;
    struct db *db = NULL;

    if (db_open(path, &db, &e) < 0)
        _exit(2);
    db_exec(db, &e, "SELECT ?, ?", "i", (int64_t)1);
    _exit(4);
}

static void
test_statement_reuse_while_in_use_is_a_bug(void **state)
{
    struct fixture *f = *state;

    assert_true(aborts(reuse_in_use, f->path));
    assert_false(aborts(reuse_after_reset, f->path));
    assert_true(aborts(wrong_type_count, f->path));
}

/* --- helpers ------------------------------------------------------------- */

static void
test_query_int(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    int64_t v = -1;

    add_row(f->db, "q1");
    assert_int_equal(db_query_int(f->db, &e, &v,
                                  "SELECT sort FROM tparent WHERE code = ?",
                                  "t", "q1"),
                     1);
    assert_int_equal(v, 0);
    v = 99;
    assert_int_equal(db_query_int(f->db, &e, &v,
                                  "SELECT sort FROM tparent WHERE code = ?",
                                  "t", "nope"),
                     0);
    assert_int_equal(v, 99); /* untouched */
}

static void
test_returning(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    int64_t id1 = 0;
    int64_t id2 = 0;
    static const char ins[] = "INSERT INTO tparent (code, name, kind) "
                              "VALUES (?, ?, 'b') RETURNING id";

    assert_int_equal(db_query_int(f->db, &e, &id1, ins, "tt", "r1", "古塔区"),
                     1);
    assert_int_equal(db_query_int(f->db, &e, &id2, ins, "tt", "r2", "凌河区"),
                     1);
    assert_true(id1 > 0);
    assert_int_equal(id2, id1 + 1);
    /* the insert really happened */
    assert_int_equal(count_rows(f->db, "SELECT count(*) FROM tparent"), 2);
}

static int64_t
next_seq(struct db *db, int64_t day)
{
    struct err e = ERR_INIT;
    int64_t last = 0;

    assert_int_equal(db_query_int(db, &e, &last,
                                  "INSERT INTO case_seq (day, last) "
                                  "VALUES (?, 1) ON CONFLICT (day) DO UPDATE "
                                  "SET last = case_seq.last + 1 RETURNING last",
                                  "i", day),
                     1);
    return last;
}

static void
test_upsert(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(next_seq(f->db, 20260101), 1);
    assert_int_equal(next_seq(f->db, 20260101), 2);
    assert_int_equal(next_seq(f->db, 20260101), 3);
    assert_int_equal(next_seq(f->db, 20260102), 1);
    assert_int_equal(count_rows(f->db, "SELECT count(*) FROM case_seq"), 2);
}

/* --- threads -------------------------------------------------------------- */

#define WRITERS 4
#define WRITES 150

struct writer {
    pthread_t t;
    int id;
    int errors;
    struct db *db;
};

static void *
writer_main(void *arg)
{
    struct writer *w = arg;
    struct err e = ERR_INIT;
    struct db *db = db_thread(&e);
    char scope[16];
    char key[16];
    int i;

    w->db = db;
    if (!db) {
        w->errors = WRITES;
        return NULL;
    }
    if (db_thread(&e) != db)
        w->errors++;
    snprintf(scope, sizeof(scope), "w%d", w->id);
    for (i = 0; i < WRITES; i++) {
        int64_t last = 0;

        snprintf(key, sizeof(key), "k%d", i);
        if (db_begin(db, &e) < 0) {
            w->errors++;
            continue;
        }
        /* read-modify-write in one transaction: increments never get lost */
        if (db_query_int(db, &e, &last,
                         "INSERT INTO case_seq (day, last) VALUES (?, 1) "
                         "ON CONFLICT (day) DO UPDATE "
                         "SET last = case_seq.last + 1 RETURNING last",
                         "i", (int64_t)7) != 1 ||
            db_exec(db, &e,
                    "INSERT INTO twrites (writer, n, seq) VALUES (?, ?, ?)",
                    "IIi", w->id, i, last) != 1) {
            w->errors++;
            db_rollback(db);
            continue;
        }
        if (db_commit(db, &e) < 0)
            w->errors++;
    }
    db_thread_close();
    return NULL;
}

static void
test_threads_write_concurrently(void **state)
{
    struct writer w[WRITERS];
    struct err e = ERR_INIT;
    struct db *db = NULL;
    char path[128];
    int64_t last = 0;
    int i;

    (void)state;
    snprintf(path, sizeof(path), "%s/threads.db", tmpdir);
    assert_int_equal(db_open(path, &db, &e), 0);
    assert_true(db_migrate(db, &e) >= 0);
    assert_int_equal(db_exec_script(db, test_tables, &e), 0);
    db_close(db);

    db_pool_init(path);
    memset(w, 0, sizeof(w));
    for (i = 0; i < WRITERS; i++) {
        w[i].id = i;
        assert_int_equal(pthread_create(&w[i].t, NULL, writer_main, &w[i]), 0);
    }
    for (i = 0; i < WRITERS; i++)
        assert_int_equal(pthread_join(w[i].t, NULL), 0);
    for (i = 0; i < WRITERS; i++)
        assert_int_equal(w[i].errors, 0);
    for (i = 1; i < WRITERS; i++)
        assert_true(w[i].db != w[0].db);

    /* every increment landed exactly once */
    assert_int_equal(db_open(path, &db, &e), 0);
    assert_int_equal(db_query_int(db, &e, &last,
                                  "SELECT last FROM case_seq WHERE day = 7",
                                  ""),
                     1);
    assert_int_equal(last, WRITERS * WRITES);
    assert_int_equal(db_query_int(db, &e, &last,
                                  "SELECT count(DISTINCT seq) FROM twrites",
                                  ""),
                     1);
    assert_int_equal(last, WRITERS * WRITES);
    db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_idempotent),
        cmocka_unit_test(test_open_creates_parent_dirs),
        cmocka_unit_test(test_open_postgres_unavailable),
        cmocka_unit_test_setup_teardown(test_pragmas, setup, teardown),
        cmocka_unit_test(test_busy_timeout_setting),
        cmocka_unit_test_setup_teardown(test_bind_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_error_reported_at_step, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_exec_returns_changes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_constraint_conflict, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sql_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_writes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_nested_transactions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_waits_then_busy,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_statement_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_statement_reuse_while_in_use_is_a_bug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_int, setup, teardown),
        cmocka_unit_test_setup_teardown(test_returning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upsert, setup, teardown),
        cmocka_unit_test(test_threads_write_concurrently),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
