/* db.h — the driver-neutral store.
 *
 * Feature code talks only to this header. SQL is written once, in the subset
 * SQLite and PostgreSQL both accept: `?` placeholders (the PostgreSQL driver
 * numbers them), RETURNING, INSERT ... ON CONFLICT, no engine-specific date
 * functions (times are epoch seconds in BIGINT columns). See docs/store.md
 * for what each driver hides.
 *
 * A struct db is one connection and is not shared between threads: server
 * workers take theirs from db_thread(). Statements are prepared once per
 * connection and cached: `sql` must be a string literal (static storage);
 * the cache is keyed by its address.
 *
 * Usage:
 *     struct db_stmt *st = db_query(db, e, "SELECT name FROM units WHERE id = ?", "i", id);
 *     if (!st) return -1;
 *     while ((rc = db_step(st, e)) > 0) use(db_col_text(st, 0));
 *     db_reset(st);               // always, also after an error
 *     if (rc < 0) return rc;
 */
#ifndef HOTLINE_DB_H
#define HOTLINE_DB_H

#include <stdint.h>
#include "util/err.h"

struct db;
struct db_stmt;

enum db_kind { DB_SQLITE, DB_POSTGRES };

/* url: "postgres://..." / "postgresql://..." for PostgreSQL, otherwise a
 * SQLite file path (an optional "sqlite:" prefix is stripped). The parent
 * directory of a SQLite file is created when missing. */
int db_open(const char *url, struct db **out, struct err *e);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);

/* Per-thread connections for the server. db_pool_init stores the url;
 * db_thread opens this thread's connection on first use. db_thread_close
 * closes it (worker exit). */
void db_pool_init(const char *url);
/* How long a writer waits for the write lock (SQLite busy timeout), in ms,
 * for connections opened after the call; default 10000. Call at start-up,
 * before any thread opens a connection. */
void db_set_busy_timeout(int ms);
struct db *db_thread(struct err *e);
void db_thread_close(void);
/* Closes every connection db_thread() opened in any thread. Only once all
 * threads that used them have stopped (after http_serve returns). */
void db_pool_close_all(void);

/* Write transactions: BEGIN IMMEDIATE on SQLite (no lock upgrades, so no
 * deadlock between writers; waits up to the busy timeout), BEGIN on
 * PostgreSQL. Nested calls are savepoints: an inner db_rollback undoes the
 * inner work only. db_rollback is safe to call when no transaction is open. */
int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);

/* Prepared statement from the cache, bindings cleared. NULL on error. */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *e);
/* Bindings are 1-based, like the `?` they fill. */
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_double(struct db_stmt *st, int idx, double v);
void db_bind_text(struct db_stmt *st, int idx, const char *s); /* NULL -> NULL */
void db_bind_null(struct db_stmt *st, int idx);

/* Prepare + bind from a type string: 'i' int64_t, 'I' int (promoted),
 * 'z' int64_t where 0 binds NULL (optional foreign keys), 'b' int as 0/1,
 * 'd' double, 'D' const double * (NULL binds NULL), 't' const char *
 * (NULL binds NULL), 'n' NULL (no argument). NULL on error (statement
 * already reset). */
struct db_stmt *db_query(struct db *db, struct err *e, const char *sql,
                         const char *types, ...);

/* 1 = a row is ready, 0 = done, < 0 = error (e filled: a constraint
 * violation is ERR_CONFLICT, a busy database ERR_UNAVAILABLE). */
int db_step(struct db_stmt *st, struct err *e);
int64_t db_col_int(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
/* NULL for SQL NULL; valid until the next step or reset. */
const char *db_col_text(struct db_stmt *st, int col);
int db_col_is_null(struct db_stmt *st, int col);
/* Ends the statement's use; always call it (after errors too). */
void db_reset(struct db_stmt *st);

/* Runs a statement to completion. Returns the number of rows changed (>= 0)
 * or < 0 on error. */
int64_t db_exec(struct db *db, struct err *e, const char *sql,
                const char *types, ...);
/* Runs a statement that returns one integer (e.g. RETURNING id, count(*)).
 * 1 = found (*out set), 0 = no row, < 0 error. */
int db_query_int(struct db *db, struct err *e, int64_t *out, const char *sql,
                 const char *types, ...);
/* Runs a script of several statements with no parameters (migrations).
 * The text is not cached. */
int db_exec_script(struct db *db, const char *script, struct err *e);

/* Refreshes the planner's statistics where the engine needs it (SQLite: a
 * sampled ANALYZE; PostgreSQL: nothing, autovacuum does it). Without stats SQLite
 * scans cases for a unit's list instead of starting from its assignments. */
int db_optimize(struct db *db, struct err *e);

/* Group commit (db/writer.c, DESIGN.md §8). One writer thread owns one
 * connection and runs the write jobs of every worker; the jobs waiting when
 * it wakes share one transaction and one fsync, each inside its own
 * savepoint, so one failing job undoes only its own work. db_write returns
 * once the job's transaction is durable (or failed).
 *
 * Without a running writer (command line, seeding, tests) db_write runs the
 * job on `db` in a transaction of its own. A job must not depend on the
 * thread it runs on, and must not call db_write itself. */
typedef int (*db_write_fn)(struct db *db, void *ctx, struct err *e);

int db_writer_start(const char *url, struct err *e);
/* Finishes the queued jobs, then stops the thread and closes its store. */
void db_writer_stop(void);
int db_write(struct db *db, db_write_fn fn, void *ctx, struct err *e);

/* Migrations (db/migrate.c): applies those not yet applied, each in its own
 * transaction, recording them in schema_migrations. Returns the number
 * applied or < 0. */
int db_migrate(struct db *db, struct err *e);

#endif
