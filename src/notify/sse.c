/* sse.c — live push of in-app notifications: GET /api/v1/events.
 *
 * Each connected client is an http_stream (suspended while idle, no thread
 * of its own). One hub thread polls the store once a second for the newest
 * notification id — cheap, and it sees notifications written by any app
 * node — and wakes the streams of the users who got new ones; every
 * SSE_PING_S it wakes all streams for a keep-alive comment, which is also
 * how a vanished client is noticed. A woken stream reads its user's new
 * rows (notifications_user index) and writes them as events:
 *
 *   id: 42
 *   event: notification
 *   data: {"id":42,"kind":"new_case","case_id":7,"text":"...","created_at":"..."}
 */
#include "common.h"

#include <pthread.h>

#include "http/http.h"
#include "notify/notify.h"
#include "notify/notify_http.h"
#include "org/user.h"
#include "util/buf.h"
#include "util/jsonv.h"

#define SSE_MAX_CLIENTS 256
#define SSE_PING_S 15
#define SSE_POLL_MS 1000
#define SSE_BATCH 20

struct sse_client {
    int64_t user_id;
    int64_t last_id;     /* newest notification id sent */
    int has_new, ping, hello;
    struct buf out;      /* formatted, not yet written */
    size_t off;
    struct http_stream *stream;
    struct sse_client *next;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct sse_client *clients;
    int nclients;
    int running, stopping;
    pthread_t thread;
} hub = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* Formats the user's notifications after c->last_id into c->out. */
static int
load_new(struct sse_client *c, struct err *e)
{
    struct db *db = db_thread(e);
    struct db_stmt *st;
    int rc;

    if (!db)
        return -1;
    st = db_query(db, e,
                  "SELECT id, kind, case_id, text, created_at FROM "
                  "notifications WHERE user_id = ? AND id > ? ORDER BY id "
                  "LIMIT ?",
                  "iiI", c->user_id, c->last_id, SSE_BATCH);
    if (!st)
        return -1;
    while ((rc = db_step(st, e)) > 0) {
        json_t *j = json_pack("{s:I, s:s, s:o, s:s, s:o}", "id",
                              (json_int_t)db_col_int(st, 0), "kind",
                              db_col_text(st, 1), "case_id",
                              db_col_is_null(st, 2)
                                  ? json_null()
                                  : json_integer(db_col_int(st, 2)),
                              "text", db_col_text(st, 3), "created_at",
                              jv_time_json(db_col_int(st, 4)));
        char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

        c->last_id = db_col_int(st, 0);
        if (s)
            buf_addf(&c->out, "id: %lld\nevent: notification\ndata: %s\n\n",
                     (long long)c->last_id, s);
        free(s);
        json_decref(j);
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

static long
sse_fill(void *cls, char *buf, size_t max)
{
    struct sse_client *c = cls;
    struct err e = ERR_INIT;
    int again = 0;
    size_t n;

    if (c->off >= c->out.len) {
        buf_reset(&c->out);
        c->off = 0;
        pthread_mutex_lock(&hub.lock);
        if (c->hello) {
            buf_addf(&c->out, "retry: 3000\nevent: hello\ndata: {}\n\n");
            c->hello = 0;
            c->has_new = 1; /* anything after Last-Event-ID */
        }
        again = c->has_new;
        c->has_new = 0;
        if (c->ping && !again)
            buf_adds(&c->out, ": ping\n\n");
        c->ping = 0;
        pthread_mutex_unlock(&hub.lock);
        if (again && load_new(c, &e) < 0) {
            log_warn("msg=\"sse: cannot read notifications\" error=\"%s\"",
                     e.message);
            return -1;
        }
        if (again && c->out.len > 0) {
            /* a full batch: there may be more */
            pthread_mutex_lock(&hub.lock);
            c->has_new = 1;
            pthread_mutex_unlock(&hub.lock);
        }
    }
    if (c->out.failed)
        return -1;
    n = c->out.len - c->off;
    if (n > max)
        n = max;
    memcpy(buf, c->out.data + c->off, n);
    c->off += n;
    return (long)n;
}

static void
sse_done(void *cls)
{
    struct sse_client *c = cls, **pp;

    pthread_mutex_lock(&hub.lock);
    for (pp = &hub.clients; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            hub.nclients--;
            break;
        }
    }
    pthread_mutex_unlock(&hub.lock);
    buf_release(&c->out);
    free(c);
}

int
h_events(struct req *r, struct resp *out, struct err *e)
{
    struct sse_client *c;
    const char *last = req_header(r, "Last-Event-ID");
    int64_t last_id = -1;
    struct db *db;

    if (last != NULL && parse_int64(last, 0, INT64_MAX, &last_id) < 0)
        return err_set(e, ERR_VALIDATION, "Last-Event-ID",
                       "Last-Event-ID: must be a notification id");
    if (!hub.running)
        return err_set(e, ERR_UNAVAILABLE, NULL, "events: not running");
    if (last_id < 0) { /* a fresh client: only what comes from now on */
        db = db_thread(e);
        if (!db ||
            db_query_int(db, e, &last_id,
                         "SELECT COALESCE(MAX(id), 0) FROM notifications "
                         "WHERE user_id = ?",
                         "i", r->user->id) < 0)
            return -1;
    }
    c = xcalloc(1, sizeof(*c));
    c->user_id = r->user->id;
    c->last_id = last_id;
    c->hello = 1;
    buf_init(&c->out, 256 * 1024);
    pthread_mutex_lock(&hub.lock);
    if (hub.nclients >= SSE_MAX_CLIENTS) {
        pthread_mutex_unlock(&hub.lock);
        buf_release(&c->out);
        free(c);
        return err_set(e, ERR_UNAVAILABLE, NULL,
                       "events: too many live connections, retry later");
    }
    c->stream = http_stream_new(r, sse_fill, sse_done, c);
    c->next = hub.clients;
    hub.clients = c;
    hub.nclients++;
    pthread_mutex_unlock(&hub.lock);
    out->stream = c->stream;
    return 0;
}

/* Users with notifications in (from, to]: wake their streams. */
static int
wake_users(struct db *db, int64_t from, int64_t to, struct err *e)
{
    struct db_stmt *st;
    struct sse_client *c;
    int rc;

    st = db_query(db, e,
                  "SELECT DISTINCT user_id FROM notifications WHERE id > ? "
                  "AND id <= ?",
                  "ii", from, to);
    if (!st)
        return -1;
    pthread_mutex_lock(&hub.lock);
    while ((rc = db_step(st, e)) > 0) {
        int64_t uid = db_col_int(st, 0);

        for (c = hub.clients; c; c = c->next) {
            if (c->user_id == uid) {
                c->has_new = 1;
                http_stream_wake(c->stream);
            }
        }
    }
    pthread_mutex_unlock(&hub.lock);
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

static void *
hub_main(void *arg)
{
    int64_t seen = -1, max = 0;
    struct timespec until;
    time_t last_ping = time(NULL);

    (void)arg;
    pthread_mutex_lock(&hub.lock);
    while (!hub.stopping) {
        struct err e = ERR_INIT;
        struct db *db;
        struct sse_client *c;

        pthread_mutex_unlock(&hub.lock);
        db = db_thread(&e);
        if (db && db_query_int(db, &e, &max,
                               "SELECT COALESCE(MAX(id), 0) FROM notifications",
                               "") >= 0) {
            if (seen >= 0 && max > seen && wake_users(db, seen, max, &e) < 0)
                log_warn("msg=\"sse hub\" error=\"%s\"", e.message);
            seen = max;
        }
        pthread_mutex_lock(&hub.lock);
        if (time(NULL) - last_ping >= SSE_PING_S) {
            last_ping = time(NULL);
            for (c = hub.clients; c; c = c->next) {
                c->ping = 1;
                http_stream_wake(c->stream);
            }
        }
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += SSE_POLL_MS * 1000000L;
        while (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (!hub.stopping)
            pthread_cond_timedwait(&hub.cond, &hub.lock, &until);
    }
    pthread_mutex_unlock(&hub.lock);
    db_thread_close();
    return NULL;
}

int
sse_start(struct err *e)
{
    hub.stopping = 0;
    if (pthread_create(&hub.thread, NULL, hub_main, NULL) != 0)
        return err_set(e, ERR_INTERNAL, NULL, "cannot start the SSE hub");
    hub.running = 1;
    return 0;
}

void
sse_stop(void)
{
    if (!hub.running)
        return;
    pthread_mutex_lock(&hub.lock);
    hub.stopping = 1;
    pthread_cond_signal(&hub.cond);
    pthread_mutex_unlock(&hub.lock);
    pthread_join(hub.thread, NULL);
    hub.running = 0;
}
