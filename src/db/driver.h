/* driver.h — what a store driver implements (private to src/db/).
 *
 * db.c owns everything engine-neutral: URL dispatch, the per-connection
 * statement cache, transaction nesting, per-thread connections and the
 * varargs helpers. A driver owns one engine's connection and statements and
 * hides its dialect: placeholder syntax, the id column type, how a write
 * transaction starts, and how its errors map onto enum err_code.
 *
 * Handles are opaque to db.c (void *). Every function that can fail fills e
 * with the mapped error, logs it, and returns -code. Statement functions are
 * only called on statements of a connection of the same driver.
 */
#ifndef HOTLINE_DB_DRIVER_H
#define HOTLINE_DB_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/err.h"

struct db_open_opts {
    int busy_timeout_ms; /* how long a writer waits for the lock */
};

struct db_driver {
    const char *name; /* "sqlite", "postgres": used in log lines */
    enum db_kind kind;

    /* target is the URL with any scheme prefix the driver does not need
     * removed (a SQLite path, a full postgres:// URL). */
    int (*open)(const char *target, const struct db_open_opts *o, void **conn,
                struct err *e);
    void (*close)(void *conn);

    /* One level only: db.c does the nesting. */
    int (*begin)(void *conn, struct err *e);
    int (*commit)(void *conn, struct err *e);
    /* Never fails from the caller's view; a no-op when none is open. */
    void (*rollback)(void *conn);

    /* sql uses `?` placeholders; the driver rewrites them if it must.
     * Exactly one statement. */
    int (*prepare)(void *conn, const char *sql, void **stmt, struct err *e);
    void (*finalize)(void *stmt);
    int (*param_count)(void *stmt);

    /* 0 or -code; db.c keeps the first failure and reports it at step. */
    int (*bind_int)(void *stmt, int idx, int64_t v, struct err *e);
    int (*bind_double)(void *stmt, int idx, double v, struct err *e);
    int (*bind_text)(void *stmt, int idx, const char *s, struct err *e);
    int (*bind_null)(void *stmt, int idx, struct err *e);

    /* 1 row, 0 done, < 0 error. */
    int (*step)(void *stmt, struct err *e);
    int64_t (*col_int)(void *stmt, int col);
    double (*col_double)(void *stmt, int col);
    const char *(*col_text)(void *stmt, int col);
    int (*col_is_null)(void *stmt, int col);
    /* Rows changed by the statement's last completed run. */
    int64_t (*changes)(void *stmt);
    /* Ends the run and clears the bindings. */
    void (*reset)(void *stmt);

    /* Several statements, no parameters, not cached. */
    int (*exec_script)(void *conn, const char *script, struct err *e);

    /* Migration text with @ID@ replaced by this engine's auto-increment
     * primary key type. Caller frees the result. */
    char *(*rewrite_ddl)(const char *sql);
};

extern const struct db_driver db_driver_sqlite;

/* Copy of s with every `from` replaced by `to` (caller frees). */
char *db_replace_all(const char *s, const char *from, const char *to);

/* The migration text of sql for db's engine (see rewrite_ddl). */
char *db_ddl(struct db *db, const char *sql);

/* Copies at most out_size - 1 bytes of sql into out with runs of whitespace
 * collapsed to one space, for log lines (one event per line). */
void db_sql_snippet(const char *sql, char *out, size_t out_size);

#endif
