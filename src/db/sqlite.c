/* sqlite.c — the SQLite driver (see driver.h).
 *
 * One connection per thread (SQLITE_OPEN_NOMUTEX: the library does no
 * locking of its own for us). WAL so readers never block the writer,
 * synchronous=FULL so a committed case survives power loss, automatic
 * checkpoints left on (with FULL they keep the WAL from growing without
 * bound), and BEGIN IMMEDIATE for write transactions: a writer takes the
 * write lock up front and waits for it under the busy timeout, instead of
 * failing with SQLITE_BUSY on a read-to-write upgrade mid-transaction.
 */
#include "common.h"

#include <errno.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "db/driver.h"

struct sqlite_conn {
    sqlite3 *h;
    sqlite3_stmt *begin;
    sqlite3_stmt *commit;
    sqlite3_stmt *rollback;
};

/* Maps a SQLite result code onto our errors, logs it, fills e and returns
 * -code. Constraint failures are expected outcomes (a duplicate username,
 * a racing insert) and are logged as warnings; the rest as errors. */
static int
sqlite_fail(sqlite3 *h, int rc, const char *op, const char *sql, struct err *e)
{
    const char *raw = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
    char msg[200];
    char snip[120];
    size_t i;

    db_sql_snippet(raw, msg, sizeof(msg));
    db_sql_snippet(sql ? sql : "", snip, sizeof(snip));
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        /* "UNIQUE constraint failed: cases.case_no" -> lowercase up to the
         * colon; the names after it keep their case. */
        for (i = 0; msg[i] && msg[i] != ':'; i++) {
            if (msg[i] >= 'A' && msg[i] <= 'Z')
                msg[i] = (char)(msg[i] - 'A' + 'a');
        }
        log_warn("db=sqlite op=%s rc=%d msg=\"%s\" sql=\"%s\"", op, rc, msg,
                 snip);
        return err_set(e, ERR_CONFLICT, NULL, "%s", msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        log_error("db=sqlite op=%s rc=%d msg=\"%s\" sql=\"%s\"", op, rc, msg,
                  snip);
        return err_set(e, ERR_UNAVAILABLE, NULL, "database busy: %s", msg);
    default:
        log_error("db=sqlite op=%s rc=%d msg=\"%s\" sql=\"%s\"", op, rc, msg,
                  snip);
        return err_set(e, ERR_INTERNAL, NULL, "database error: %s", msg);
    }
}

/* mkdir -p of the directory part of path. */
static int
make_parent_dirs(const char *path, struct err *e)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    char *p;
    int rc = 0;

    if (!slash || slash == dir)
        goto out;
    *slash = '\0';
    for (p = dir + 1;; p++) {
        int last = *p == '\0';

        if (*p != '/' && !last)
            continue;
        *p = '\0';
        if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
            rc = err_set(e, ERR_INTERNAL, NULL,
                         "cannot create directory \"%s\": %s", dir,
                         strerror(errno));
            log_error("db=sqlite op=mkdir dir=\"%s\" errno=%d", dir, errno);
            goto out;
        }
        if (last)
            break;
        *p = '/';
    }
out:
    free(dir);
    return rc;
}

static int
prepare_fixed(struct sqlite_conn *c, const char *sql, sqlite3_stmt **out,
              struct err *e)
{
    int rc =
        sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);

    if (rc != SQLITE_OK)
        return sqlite_fail(c->h, rc, "prepare", sql, e);
    return 0;
}

static int
run_fixed(sqlite3_stmt *st, const char *op, struct err *e)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sqlite_fail(sqlite3_db_handle(st), rc, op, sqlite3_sql(st), e);
    return 0;
}

static void
sq_close(void *conn)
{
    struct sqlite_conn *c = conn;

    if (!c)
        return;
    sqlite3_finalize(c->begin);
    sqlite3_finalize(c->commit);
    sqlite3_finalize(c->rollback);
    if (sqlite3_close(c->h) != SQLITE_OK)
        log_error("db=sqlite op=close msg=\"%s\"", sqlite3_errmsg(c->h));
    free(c);
}

static int
sq_open(const char *path, const struct db_open_opts *o, void **out,
        struct err *e)
{
    static const char *const pragmas =
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";
    int memory = strcmp(path, ":memory:") == 0;
    struct sqlite_conn *c = xcalloc(1, sizeof(*c));
    sqlite3_stmt *jm = NULL;
    const char *mode;
    int rc;

    *out = NULL;
    if (!memory) {
        rc = make_parent_dirs(path, e);
        if (rc < 0)
            goto out;
    }
    rc = sqlite3_open_v2(
        path, &c->h,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        const char *msg = c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc);

        log_error("db=sqlite op=open path=\"%s\" rc=%d msg=\"%s\"", path, rc,
                  msg);
        rc = err_set(e, ERR_INTERNAL, NULL, "cannot open database \"%s\": %s",
                     path, msg);
        goto out;
    }
    sqlite3_extended_result_codes(c->h, 1);
    /* Before the first statement: setting WAL itself may wait for a lock
     * when several threads open the same new file. */
    rc = sqlite3_busy_timeout(c->h, o->busy_timeout_ms);
    if (rc != SQLITE_OK) {
        rc = sqlite_fail(c->h, rc, "busy_timeout", NULL, e);
        goto out;
    }

    rc = sqlite3_prepare_v2(c->h, "PRAGMA journal_mode = WAL", -1, &jm, NULL);
    if (rc != SQLITE_OK) {
        rc = sqlite_fail(c->h, rc, "prepare", "PRAGMA journal_mode", e);
        goto out;
    }
    rc = sqlite3_step(jm);
    if (rc != SQLITE_ROW) {
        rc = sqlite_fail(c->h, rc, "step", "PRAGMA journal_mode = WAL", e);
        goto out;
    }
    mode = (const char *)sqlite3_column_text(jm, 0);
    if (!memory && (!mode || strcmp(mode, "wal") != 0)) {
        log_error("db=sqlite op=open path=\"%s\" msg=\"wal refused\" "
                  "mode=%s",
                  path, mode ? mode : "-");
        rc = err_set(e, ERR_INTERNAL, NULL,
                     "cannot use write-ahead logging on \"%s\" (mode %s)", path,
                     mode ? mode : "unknown");
        goto out;
    }

    rc = sqlite3_exec(c->h, pragmas, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        rc = sqlite_fail(c->h, rc, "exec", pragmas, e);
        goto out;
    }
    rc = prepare_fixed(c, "BEGIN IMMEDIATE", &c->begin, e);
    if (rc < 0)
        goto out;
    rc = prepare_fixed(c, "COMMIT", &c->commit, e);
    if (rc < 0)
        goto out;
    rc = prepare_fixed(c, "ROLLBACK", &c->rollback, e);
    if (rc < 0)
        goto out;
    *out = c;
    c = NULL;
    rc = 0;
out:
    sqlite3_finalize(jm);
    if (c)
        sq_close(c);
    return rc;
}

static int
sq_begin(void *conn, struct err *e)
{
    struct sqlite_conn *c = conn;

    return run_fixed(c->begin, "begin", e);
}

static int
sq_commit(void *conn, struct err *e)
{
    struct sqlite_conn *c = conn;

    return run_fixed(c->commit, "commit", e);
}

static void
sq_rollback(void *conn)
{
    struct sqlite_conn *c = conn;
    struct err e = ERR_INIT;

    /* Some errors (SQLITE_FULL, IOERR, ...) roll back on their own. */
    if (sqlite3_get_autocommit(c->h))
        return;
    run_fixed(c->rollback, "rollback", &e);
}

static int
sq_prepare(void *conn, const char *sql, void **out, struct err *e)
{
    struct sqlite_conn *c = conn;
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc;

    *out = NULL;
    rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
                            &tail);
    if (rc != SQLITE_OK)
        return sqlite_fail(c->h, rc, "prepare", sql, e);
    if (!st) {
        log_error("db=sqlite op=prepare msg=\"empty statement\"");
        return err_set(e, ERR_INTERNAL, NULL, "sql holds no statement");
    }
    for (; tail && *tail; tail++) {
        if (*tail != ' ' && *tail != '\t' && *tail != '\n' && *tail != '\r' &&
            *tail != ';') {
            char snip[120];

            sqlite3_finalize(st);
            db_sql_snippet(sql, snip, sizeof(snip));
            log_error("db=sqlite op=prepare msg=\"several statements\" "
                      "sql=\"%s\"",
                      snip);
            return err_set(e, ERR_INTERNAL, NULL,
                           "sql holds more than one statement");
        }
    }
    *out = st;
    return 0;
}

static void
sq_finalize(void *stmt)
{
    sqlite3_finalize(stmt);
}

static int
sq_param_count(void *stmt)
{
    return sqlite3_bind_parameter_count(stmt);
}

static int
bind_check(sqlite3_stmt *st, int rc, struct err *e)
{
    if (rc != SQLITE_OK)
        return sqlite_fail(sqlite3_db_handle(st), rc, "bind", sqlite3_sql(st),
                           e);
    return 0;
}

static int
sq_bind_int(void *stmt, int idx, int64_t v, struct err *e)
{
    return bind_check(stmt, sqlite3_bind_int64(stmt, idx, v), e);
}

static int
sq_bind_double(void *stmt, int idx, double v, struct err *e)
{
    return bind_check(stmt, sqlite3_bind_double(stmt, idx, v), e);
}

static int
sq_bind_text(void *stmt, int idx, const char *s, struct err *e)
{
    return bind_check(stmt,
                      sqlite3_bind_text(stmt, idx, s, -1, SQLITE_TRANSIENT), e);
}

static int
sq_bind_null(void *stmt, int idx, struct err *e)
{
    return bind_check(stmt, sqlite3_bind_null(stmt, idx), e);
}

static int
sq_step(void *stmt, struct err *e)
{
    int rc = sqlite3_step(stmt);

    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return sqlite_fail(sqlite3_db_handle(stmt), rc, "step", sqlite3_sql(stmt),
                       e);
}

static int64_t
sq_col_int(void *stmt, int col)
{
    return sqlite3_column_int64(stmt, col);
}

static double
sq_col_double(void *stmt, int col)
{
    return sqlite3_column_double(stmt, col);
}

static const char *
sq_col_text(void *stmt, int col)
{
    return (const char *)sqlite3_column_text(stmt, col);
}

static int
sq_col_is_null(void *stmt, int col)
{
    return sqlite3_column_type(stmt, col) == SQLITE_NULL;
}

static int64_t
sq_changes(void *stmt)
{
    /* sqlite3_changes64 is per connection: it would report the previous
     * write for a SELECT. */
    if (sqlite3_stmt_readonly(stmt))
        return 0;
    return sqlite3_changes64(sqlite3_db_handle(stmt));
}

static void
sq_reset(void *stmt)
{
    /* sqlite3_reset repeats the last step's error; it was reported then. */
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

static int
sq_exec_script(void *conn, const char *script, struct err *e)
{
    struct sqlite_conn *c = conn;
    int rc = sqlite3_exec(c->h, script, NULL, NULL, NULL);

    if (rc != SQLITE_OK)
        return sqlite_fail(c->h, rc, "exec", script, e);
    return 0;
}

static char *
sq_rewrite_ddl(const char *sql)
{
    /* A rowid alias: the id is the b-tree key, assigned max(rowid)+1. */
    return db_replace_all(sql, "@ID@", "INTEGER PRIMARY KEY");
}

const struct db_driver db_driver_sqlite = {
    .name = "sqlite",
    .kind = DB_SQLITE,
    .open = sq_open,
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .param_count = sq_param_count,
    .bind_int = sq_bind_int,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_is_null = sq_col_is_null,
    .changes = sq_changes,
    .reset = sq_reset,
    .exec_script = sq_exec_script,
    .rewrite_ddl = sq_rewrite_ddl,
};
