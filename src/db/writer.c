/* writer.c — group commit: many requests, one transaction, one fsync.
 *
 * SQLite allows one writer at a time; with synchronous=FULL each commit
 * costs an fsync, so one transaction per request caps intake at the disk's
 * fsync rate however many threads wait (bench/README.md). Here workers hand
 * their write jobs to one thread, which runs every job waiting when it wakes
 * inside one BEGIN ... COMMIT, each job in its own savepoint, then wakes the
 * workers whose jobs are now durable. Throughput grows with the number of
 * waiting requests instead of collapsing into busy-waits.
 */
#include "common.h"

#include <pthread.h>

#include "db/db.h"

#define BATCH_MAX 256 /* jobs per transaction: bounds the time a batch holds the lock */

struct job {
    db_write_fn fn;
    void *ctx;
    int rc;
    int done;
    struct err err;
    struct job *next;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t queued;   /* a job was queued, or stop was asked */
    pthread_cond_t finished; /* a batch finished: waiters check their job */
    struct job *head, *tail;
    int running, stopping;
    struct db *db;
    pthread_t thread;
} w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
       PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0, NULL, 0};

/* Runs one job in a savepoint of the batch's transaction. */
static void
run_job(struct db *db, struct job *j)
{
    err_clear(&j->err);
    j->rc = db_begin(db, &j->err);
    if (j->rc < 0)
        return;
    j->rc = j->fn(db, j->ctx, &j->err);
    if (j->rc < 0) {
        if (j->err.code == ERR_OK)
            err_set(&j->err, ERR_INTERNAL, NULL, "write job failed");
        db_rollback(db);
        return;
    }
    j->rc = db_commit(db, &j->err);
}

static void
run_batch(struct job *batch)
{
    struct err e = ERR_INIT;
    struct job *j;
    int rc;

    rc = db_begin(w.db, &e);
    if (rc == 0) {
        for (j = batch; j; j = j->next)
            run_job(w.db, j);
        rc = db_commit(w.db, &e);
    }
    if (rc < 0) {
        /* nothing of the batch is on disk: every job fails */
        log_error("msg=\"group commit failed\" error=\"%s\"", e.message);
        for (j = batch; j; j = j->next) {
            if (j->rc == 0) {
                j->rc = rc;
                j->err = e;
            }
        }
    }
}

static void *
writer_main(void *arg)
{
    struct job *batch, *last;
    int n;

    (void)arg;
    pthread_mutex_lock(&w.lock);
    for (;;) {
        while (!w.head && !w.stopping)
            pthread_cond_wait(&w.queued, &w.lock);
        if (!w.head && w.stopping)
            break;
        /* take up to BATCH_MAX jobs off the queue */
        batch = last = w.head;
        for (n = 1; n < BATCH_MAX && last->next; n++)
            last = last->next;
        w.head = last->next;
        if (!w.head)
            w.tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&w.lock);

        run_batch(batch);

        pthread_mutex_lock(&w.lock);
        for (struct job *j = batch; j; j = j->next)
            j->done = 1;
        pthread_cond_broadcast(&w.finished);
    }
    pthread_mutex_unlock(&w.lock);
    return NULL;
}

int
db_writer_start(const char *url, struct err *e)
{
    if (w.running)
        BUG("db writer started twice");
    if (db_open(url, &w.db, e) < 0)
        return -1;
    w.stopping = 0;
    if (pthread_create(&w.thread, NULL, writer_main, NULL) != 0) {
        db_close(w.db);
        w.db = NULL;
        return err_set(e, ERR_INTERNAL, NULL, "writer: cannot start thread");
    }
    w.running = 1;
    return 0;
}

void
db_writer_stop(void)
{
    if (!w.running)
        return;
    pthread_mutex_lock(&w.lock);
    w.stopping = 1;
    pthread_cond_signal(&w.queued);
    pthread_mutex_unlock(&w.lock);
    pthread_join(w.thread, NULL);
    db_close(w.db);
    w.db = NULL;
    w.running = 0;
}

int
db_write(struct db *db, db_write_fn fn, void *ctx, struct err *e)
{
    struct job j = {fn, ctx, 0, 0, ERR_INIT, NULL};
    int rc;

    if (!w.running) {
        if (db_begin(db, e) < 0)
            return -1;
        rc = fn(db, ctx, e);
        if (rc < 0) {
            db_rollback(db);
            return rc;
        }
        return db_commit(db, e);
    }
    pthread_mutex_lock(&w.lock);
    if (w.tail)
        w.tail->next = &j;
    else
        w.head = &j;
    w.tail = &j;
    pthread_cond_signal(&w.queued);
    while (!j.done)
        pthread_cond_wait(&w.finished, &w.lock);
    pthread_mutex_unlock(&w.lock);
    if (j.rc < 0)
        *e = j.err;
    return j.rc;
}
