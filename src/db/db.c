/* db.c — the engine-neutral half of the store (see db.h, driver.h).
 *
 * Everything here is the same for every engine: URL dispatch, the statement
 * cache, transaction nesting, per-thread connections and the varargs
 * helpers. Engine specifics live behind struct db_driver.
 */
#include "common.h"

#include <pthread.h>

#include <stdarg.h>

#include "db/db.h"
#include "db/driver.h"

#define DB_DEFAULT_BUSY_TIMEOUT_MS 10000
#define DB_CACHE_MIN_BUCKETS 64

struct db_stmt {
    struct db *db;
    const char *sql;      /* cache key: the address of a literal */
    void *h;              /* driver statement */
    struct db_stmt *next; /* hash chain */
    int stepped;          /* stepped since the last reset: in use */
    int dirty;            /* bound or stepped since the last reset */
    int bind_rc;          /* first binding failure since reset, or 0 */
    struct err bind_err;
};

struct db {
    const struct db_driver *drv;
    void *conn;
    struct db_stmt **buckets;
    size_t nbuckets; /* power of two */
    size_t nstmts;
    int depth;  /* db_begin nesting; 0 = no transaction */
};

/* Schemes we know. A NULL driver is a scheme whose driver is not built:
 * db_open says so instead of treating the URL as a file name. */
static const struct {
    const char *prefix;
    int strip; /* hand the driver the URL without the prefix */
    const struct db_driver *drv;
    const char *name;
} db_schemes[] = {
    {"postgres://", 0, NULL, "postgresql"},
    {"postgresql://", 0, NULL, "postgresql"},
    {"sqlite:", 1, &db_driver_sqlite, "sqlite"},
};

static int db_busy_timeout_ms = DB_DEFAULT_BUSY_TIMEOUT_MS;
static char *db_pool_url;
static _Thread_local struct db *db_thread_conn;

/* --- helpers shared with the drivers --------------------------------- */

char *
db_replace_all(const char *s, const char *from, const char *to)
{
    size_t flen = strlen(from);
    size_t tlen = strlen(to);
    size_t slen = strlen(s);
    size_t count = 0;
    const char *p;
    char *out;
    char *w;

    if (flen == 0)
        BUG("db_replace_all: empty pattern");
    for (p = strstr(s, from); p; p = strstr(p + flen, from))
        count++;
    if (tlen > flen && count > (SIZE_MAX - slen - 1) / (tlen - flen))
        BUG("db_replace_all: size overflow");
    out = xmalloc(slen + count * (tlen > flen ? tlen - flen : 0) + 1);
    w = out;
    p = s;
    for (;;) {
        const char *hit = strstr(p, from);
        size_t n;

        if (!hit)
            break;
        n = (size_t)(hit - p);
        memcpy(w, p, n);
        w += n;
        memcpy(w, to, tlen);
        w += tlen;
        p = hit + flen;
    }
    memcpy(w, p, strlen(p) + 1);
    return out;
}

void
db_sql_snippet(const char *sql, char *out, size_t out_size)
{
    size_t n = 0;
    int space = 0;

    if (out_size == 0)
        return;
    for (; *sql && n + 1 < out_size; sql++) {
        char c = *sql;

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = 1;
            continue;
        }
        if (space && n > 0 && n + 2 < out_size)
            out[n++] = ' ';
        space = 0;
        out[n++] = c == '"' ? '\'' : c;
    }
    out[n] = '\0';
}

char *
db_ddl(struct db *db, const char *sql)
{
    return db->drv->rewrite_ddl(sql);
}

/* --- connections ------------------------------------------------------ */

void
db_set_busy_timeout(int ms)
{
    db_busy_timeout_ms = ms < 0 ? 0 : ms;
}

int
db_open(const char *url, struct db **out, struct err *e)
{
    const struct db_driver *drv = &db_driver_sqlite;
    const char *target = url;
    struct db_open_opts opts;
    struct db *db = NULL;
    void *conn = NULL;
    size_t i;
    int rc;

    *out = NULL;
    if (!url || !*url)
        return err_set(e, ERR_INTERNAL, NULL, "database url is empty");
    for (i = 0; i < ARRAY_SIZE(db_schemes); i++) {
        size_t n = strlen(db_schemes[i].prefix);

        if (strncmp(url, db_schemes[i].prefix, n) != 0)
            continue;
        if (!db_schemes[i].drv) {
            log_error("db=%s op=open msg=\"driver not built\"",
                      db_schemes[i].name);
            return err_set(e, ERR_UNAVAILABLE, NULL, "%s driver not built yet",
                           db_schemes[i].name);
        }
        drv = db_schemes[i].drv;
        target = db_schemes[i].strip ? url + n : url;
        break;
    }
    if (!*target)
        return err_set(e, ERR_INTERNAL, NULL, "database url has no path");

    opts.busy_timeout_ms = db_busy_timeout_ms;
    rc = drv->open(target, &opts, &conn, e);
    if (rc < 0)
        goto out;
    db = xcalloc(1, sizeof(*db));
    db->drv = drv;
    db->conn = conn;
    db->nbuckets = DB_CACHE_MIN_BUCKETS;
    db->buckets = xcalloc(db->nbuckets, sizeof(*db->buckets));
    *out = db;
    rc = 0;
out:
    return rc;
}

void
db_close(struct db *db)
{
    size_t i;

    if (!db)
        return;
    for (i = 0; i < db->nbuckets; i++) {
        struct db_stmt *st = db->buckets[i];

        while (st) {
            struct db_stmt *next = st->next;

            if (st->stepped) {
                char snip[120];

                db_sql_snippet(st->sql, snip, sizeof(snip));
                log_warn("db=%s op=close msg=\"statement not reset\" "
                         "sql=\"%s\"",
                         db->drv->name, snip);
            }
            db->drv->finalize(st->h);
            free(st);
            st = next;
        }
    }
    if (db->depth > 0) {
        log_warn("db=%s op=close msg=\"open transaction rolled back\" "
                 "depth=%d",
                 db->drv->name, db->depth);
        db->drv->rollback(db->conn);
    }
    db->drv->close(db->conn);
    free(db->buckets);
    free(db);
}

enum db_kind
db_kind(const struct db *db)
{
    return db->drv->kind;
}

void
db_pool_init(const char *url)
{
    free(db_pool_url);
    db_pool_url = xstrdup(url);
}

/* Every connection db_thread() opened and not yet closed, so the server can
 * close the ones of idle workers once all workers have stopped. */
static pthread_mutex_t db_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db **db_pool_open;
static size_t db_pool_len, db_pool_cap;

static void
pool_forget(struct db *db)
{
    pthread_mutex_lock(&db_pool_lock);
    for (size_t i = 0; i < db_pool_len; i++) {
        if (db_pool_open[i] == db) {
            db_pool_open[i] = db_pool_open[--db_pool_len];
            break;
        }
    }
    pthread_mutex_unlock(&db_pool_lock);
}

struct db *
db_thread(struct err *e)
{
    struct db *db = NULL;

    if (db_thread_conn)
        return db_thread_conn;
    if (!db_pool_url) {
        err_set(e, ERR_INTERNAL, NULL, "database pool not initialised");
        return NULL;
    }
    if (db_open(db_pool_url, &db, e) < 0)
        return NULL;
    pthread_mutex_lock(&db_pool_lock);
    if (db_pool_len == db_pool_cap) {
        db_pool_cap = db_pool_cap ? db_pool_cap * 2 : 16;
        db_pool_open = xrealloc(db_pool_open, db_pool_cap * sizeof(*db_pool_open));
    }
    db_pool_open[db_pool_len++] = db;
    pthread_mutex_unlock(&db_pool_lock);
    db_thread_conn = db;
    return db;
}

void
db_thread_close(void)
{
    if (!db_thread_conn)
        return;
    pool_forget(db_thread_conn);
    db_close(db_thread_conn);
    db_thread_conn = NULL;
}

void
db_pool_close_all(void)
{
    db_thread_close();
    pthread_mutex_lock(&db_pool_lock);
    for (size_t i = 0; i < db_pool_len; i++)
        db_close(db_pool_open[i]);
    free(db_pool_open);
    db_pool_open = NULL;
    db_pool_len = db_pool_cap = 0;
    pthread_mutex_unlock(&db_pool_lock);
    free(db_pool_url);
    db_pool_url = NULL;
}

int
db_optimize(struct db *db, struct err *e)
{
    if (db_kind(db) != DB_SQLITE)
        return 0;
    /* A sampled ANALYZE (at most ~1000 rows an index) stays fast on big
     * tables and is all the planner needs to start from selective indexes. */
    return db_exec_script(db, "PRAGMA analysis_limit=1000; ANALYZE;", e);
}

/* --- transactions ------------------------------------------------------ */

/* Nested db_begin opens a savepoint, so an inner failure undoes only the
 * inner work: the group-commit writer runs many requests in one transaction
 * and one bad request must not sink the others. Savepoint names come from
 * the depth, never from input. */
static int
savepoint(struct db *db, const char *verb, int depth, struct err *e)
{
    char sql[64];

    snprintf(sql, sizeof(sql), "%s sp%d;", verb, depth);
    return db->drv->exec_script(db->conn, sql, e);
}

int
db_begin(struct db *db, struct err *e)
{
    int rc;

    if (db->depth > 0) {
        rc = savepoint(db, "SAVEPOINT", db->depth + 1, e);
        if (rc < 0)
            return rc;
        db->depth++;
        return 0;
    }
    rc = db->drv->begin(db->conn, e);
    if (rc < 0)
        return rc;
    db->depth = 1;
    return 0;
}

/* The outermost commit ends the transaction whatever happens: on failure
 * it is rolled back, so a later db_rollback is a harmless no-op. */
int
db_commit(struct db *db, struct err *e)
{
    int rc;

    if (db->depth == 0) {
        log_error("db=%s op=commit msg=\"no transaction open\"", db->drv->name);
        return err_set(e, ERR_INTERNAL, NULL, "commit: no transaction is open");
    }
    if (db->depth > 1) {
        rc = savepoint(db, "RELEASE", db->depth, e);
        db->depth--;
        return rc;
    }
    db->depth = 0;
    rc = db->drv->commit(db->conn, e);
    if (rc < 0)
        db->drv->rollback(db->conn);
    return rc;
}

void
db_rollback(struct db *db)
{
    struct err e = ERR_INIT;

    if (db->depth == 0)
        return;
    if (db->depth > 1) {
        /* ROLLBACK TO keeps the savepoint open; RELEASE ends it */
        if (savepoint(db, "ROLLBACK TO", db->depth, &e) < 0 ||
            savepoint(db, "RELEASE", db->depth, &e) < 0)
            log_error("db=%s op=rollback_to msg=\"%s\"", db->drv->name,
                      e.message);
        db->depth--;
        return;
    }
    db->depth = 0;
    db->drv->rollback(db->conn);
}

/* --- statement cache ---------------------------------------------------- */

static size_t
stmt_bucket(const char *sql, size_t nbuckets)
{
    uint64_t x = (uint64_t)(uintptr_t)sql;

    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return (size_t)x & (nbuckets - 1);
}

static void
cache_grow(struct db *db)
{
    size_t n = db->nbuckets * 2;
    struct db_stmt **b = xcalloc(n, sizeof(*b));
    size_t i;

    for (i = 0; i < db->nbuckets; i++) {
        struct db_stmt *st = db->buckets[i];

        while (st) {
            struct db_stmt *next = st->next;
            size_t k = stmt_bucket(st->sql, n);

            st->next = b[k];
            b[k] = st;
            st = next;
        }
    }
    free(db->buckets);
    db->buckets = b;
    db->nbuckets = n;
}

static void
stmt_clean(struct db_stmt *st)
{
    st->db->drv->reset(st->h);
    st->stepped = 0;
    st->dirty = 0;
    st->bind_rc = 0;
}

struct db_stmt *
db_prepare(struct db *db, const char *sql, struct err *e)
{
    size_t k = stmt_bucket(sql, db->nbuckets);
    struct db_stmt *st;
    void *h = NULL;

    for (st = db->buckets[k]; st; st = st->next) {
        if (st->sql != sql)
            continue;
        if (st->stepped) {
            char snip[120];

            db_sql_snippet(sql, snip, sizeof(snip));
            BUG("statement prepared again while still in use (stepped, "
                "not reset) sql=\"%s\"",
                snip);
        }
        if (st->dirty)
            stmt_clean(st);
        return st;
    }
    if (db->drv->prepare(db->conn, sql, &h, e) < 0)
        return NULL;
    st = xcalloc(1, sizeof(*st));
    st->db = db;
    st->sql = sql;
    st->h = h;
    if (db->nstmts + 1 > db->nbuckets)
        cache_grow(db);
    k = stmt_bucket(sql, db->nbuckets);
    st->next = db->buckets[k];
    db->buckets[k] = st;
    db->nstmts++;
    return st;
}

/* --- binding, stepping, columns ----------------------------------------- */

static void
bind_result(struct db_stmt *st, int rc, const struct err *e)
{
    st->dirty = 1;
    if (rc < 0 && st->bind_rc == 0) {
        st->bind_rc = rc;
        st->bind_err = *e;
    }
}

void
db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
    struct err e = ERR_INIT;

    bind_result(st, st->db->drv->bind_int(st->h, idx, v, &e), &e);
}

void
db_bind_double(struct db_stmt *st, int idx, double v)
{
    struct err e = ERR_INIT;

    bind_result(st, st->db->drv->bind_double(st->h, idx, v, &e), &e);
}

void
db_bind_text(struct db_stmt *st, int idx, const char *s)
{
    struct err e = ERR_INIT;
    int rc;

    if (s)
        rc = st->db->drv->bind_text(st->h, idx, s, &e);
    else
        rc = st->db->drv->bind_null(st->h, idx, &e);
    bind_result(st, rc, &e);
}

void
db_bind_null(struct db_stmt *st, int idx)
{
    struct err e = ERR_INIT;

    bind_result(st, st->db->drv->bind_null(st->h, idx, &e), &e);
}

int
db_step(struct db_stmt *st, struct err *e)
{
    st->stepped = 1;
    st->dirty = 1;
    if (st->bind_rc < 0) {
        *e = st->bind_err;
        return st->bind_rc;
    }
    return st->db->drv->step(st->h, e);
}

int64_t
db_col_int(struct db_stmt *st, int col)
{
    return st->db->drv->col_int(st->h, col);
}

double
db_col_double(struct db_stmt *st, int col)
{
    return st->db->drv->col_double(st->h, col);
}

const char *
db_col_text(struct db_stmt *st, int col)
{
    return st->db->drv->col_text(st->h, col);
}

int
db_col_is_null(struct db_stmt *st, int col)
{
    return st->db->drv->col_is_null(st->h, col);
}

void
db_reset(struct db_stmt *st)
{
    if (st)
        stmt_clean(st);
}

/* --- varargs helpers ----------------------------------------------------- */

/* Wrong type letters or a count that does not match the placeholders are
 * programming errors that a test run always hits: BUG, not an error. */
static struct db_stmt *
query_va(struct db *db, struct err *e, const char *sql, const char *types,
         va_list ap)
{
    struct db_stmt *st = db_prepare(db, sql, e);
    char snip[120];
    int n;
    int i;

    if (!st)
        return NULL;
    if (!types)
        types = "";
    n = (int)strlen(types);
    if (n != st->db->drv->param_count(st->h)) {
        db_sql_snippet(sql, snip, sizeof(snip));
        BUG("%d bind types \"%s\" for %d placeholders sql=\"%s\"", n, types,
            st->db->drv->param_count(st->h), snip);
    }
    for (i = 0; i < n; i++) {
        switch (types[i]) {
        case 'i':
            db_bind_int(st, i + 1, va_arg(ap, int64_t));
            break;
        case 'I':
            db_bind_int(st, i + 1, (int64_t)va_arg(ap, int));
            break;
        case 'z': {
            int64_t v = va_arg(ap, int64_t);

            if (v)
                db_bind_int(st, i + 1, v);
            else
                db_bind_null(st, i + 1);
            break;
        }
        case 'b':
            db_bind_int(st, i + 1, va_arg(ap, int) ? 1 : 0);
            break;
        case 'd':
            db_bind_double(st, i + 1, va_arg(ap, double));
            break;
        case 'D': {
            const double *d = va_arg(ap, const double *);

            if (d)
                db_bind_double(st, i + 1, *d);
            else
                db_bind_null(st, i + 1);
            break;
        }
        case 't':
            db_bind_text(st, i + 1, va_arg(ap, const char *));
            break;
        case 'n':
            db_bind_null(st, i + 1);
            break;
        default:
            db_sql_snippet(sql, snip, sizeof(snip));
            BUG("unknown bind type '%c' sql=\"%s\"", types[i], snip);
        }
    }
    if (st->bind_rc < 0) {
        *e = st->bind_err;
        db_reset(st);
        return NULL;
    }
    return st;
}

struct db_stmt *
db_query(struct db *db, struct err *e, const char *sql, const char *types, ...)
{
    struct db_stmt *st;
    va_list ap;

    va_start(ap, types);
    st = query_va(db, e, sql, types, ap);
    va_end(ap);
    return st;
}

int64_t
db_exec(struct db *db, struct err *e, const char *sql, const char *types, ...)
{
    struct db_stmt *st;
    int64_t ret;
    va_list ap;
    int rc;

    va_start(ap, types);
    st = query_va(db, e, sql, types, ap);
    va_end(ap);
    if (!st)
        return -(int64_t)e->code;
    do {
        rc = db_step(st, e);
    } while (rc > 0);
    if (rc < 0) {
        ret = rc;
        goto out;
    }
    ret = db->drv->changes(st->h);
out:
    db_reset(st);
    return ret;
}

int
db_query_int(struct db *db, struct err *e, int64_t *out, const char *sql,
             const char *types, ...)
{
    struct db_stmt *st;
    va_list ap;
    int rc;

    va_start(ap, types);
    st = query_va(db, e, sql, types, ap);
    va_end(ap);
    if (!st)
        return -(int)e->code;
    rc = db_step(st, e);
    if (rc > 0) {
        *out = db_col_int(st, 0);
        rc = 1;
    }
    db_reset(st);
    return rc;
}

int
db_exec_script(struct db *db, const char *script, struct err *e)
{
    return db->drv->exec_script(db->conn, script, e);
}
