/* migrate.c — applies the embedded migrations (db_migrate in db.h).
 *
 * Each migration runs in its own transaction together with its row in
 * schema_migrations, so a crash leaves it either fully applied or not at
 * all. Whether it is applied is checked again inside the transaction, which
 * makes two processes migrating the same database at once safe: the second
 * waits for the write lock and then finds the row.
 */
#include "common.h"

#include "db/db.h"
#include "db/driver.h"
#include "db/migrations.h"
#include "util/timeutil.h"

static int
migration_applied(struct db *db, int number, struct err *e)
{
    int64_t one = 0;

    return db_query_int(db, e, &one,
                        "SELECT 1 FROM schema_migrations WHERE number = ?", "I",
                        number);
}

static int
migration_apply(struct db *db, const struct migration *m, struct err *e)
{
    char *sql = NULL;
    int64_t n;
    int rc;

    rc = db_begin(db, e);
    if (rc < 0)
        goto out;
    rc = migration_applied(db, m->number, e);
    if (rc != 0)
        goto out; /* error, or another process applied it meanwhile */
    sql = db_ddl(db, m->sql);
    rc = db_exec_script(db, sql, e);
    if (rc < 0)
        goto out;
    n = db_exec(db, e,
                "INSERT INTO schema_migrations (number, name, applied_at) "
                "VALUES (?, ?, ?)",
                "Iti", m->number, m->name, time_now());
    if (n < 0) {
        rc = (int)n;
        goto out;
    }
    rc = db_commit(db, e);
    if (rc < 0)
        goto out;
    rc = 1;
out:
    if (rc <= 0)
        db_rollback(db);
    free(sql);
    return rc;
}

int
db_migrate(struct db *db, struct err *e)
{
    int64_t newest = 0;
    int applied = 0;
    int last = 0;
    int rc;
    int i;

    rc = db_exec_script(db,
                        "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        "number BIGINT PRIMARY KEY, name TEXT, "
                        "applied_at BIGINT)",
                        e);
    if (rc < 0)
        goto out;
    for (i = 0; i < db_nmigrations; i++) {
        const struct migration *m = &db_migrations[i];

        if (m->number <= last)
            BUG("migration %s: number %d not above %d", m->name, m->number,
                last);
        last = m->number;
        rc = migration_applied(db, m->number, e);
        if (rc < 0)
            goto fail;
        if (rc == 1)
            continue;
        rc = migration_apply(db, m, e);
        if (rc < 0)
            goto fail;
        if (rc == 1) {
            log_info("migration applied number=%d name=%s", m->number, m->name);
            applied++;
        }
    }
    rc = db_query_int(db, e, &newest,
                      "SELECT COALESCE(MAX(number), 0) FROM schema_migrations",
                      "");
    if (rc < 0)
        goto out;
    if (newest > last)
        log_warn("migration database is newer than this program "
                 "db_version=%lld known=%d",
                 (long long)newest, last);
    log_info("migrations done applied=%d version=%lld", applied,
             (long long)newest);
    rc = applied;
    goto out;
fail:
    log_error("migration failed number=%d name=%s msg=\"%s\"",
              db_migrations[i].number, db_migrations[i].name, e->message);
out:
    return rc;
}
