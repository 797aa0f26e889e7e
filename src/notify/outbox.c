/* outbox.c — the delivery worker: claims due outbox rows, sends them, marks
 * them sent or schedules a retry. At-least-once: a row is claimed (its
 * next_attempt_at pushed NOTIFY_CLAIM_SECONDS ahead, attempts + 1) in a
 * committed transaction before it is sent, and marked sent after the
 * receiver acknowledged it. A sender that dies in between leaves the row to
 * be claimed again when the claim runs out; the receiver sees the same
 * message_id twice and must de-duplicate (docs/notifications.md). */
#include "common.h"

#include <pthread.h>
#include <stdatomic.h>

#include <curl/curl.h>

#include "notify/notify.h"
#include "notify/template.h"
#include "util/timeutil.h"

#define CLAIM_BATCH 20
#define POLL_MS 500

int64_t
notify_backoff(int64_t base, int64_t attempts)
{
    int64_t d = base > 0 ? base : 1;

    /* RULE outbox-backoff */
    for (int64_t i = 1; i < attempts && d < NOTIFY_BACKOFF_CAP; i++)
        d *= 2;
    return d < NOTIFY_BACKOFF_CAP ? d : NOTIFY_BACKOFF_CAP;
}

void
notify_sms_template_id(const char *map, const char *key, char *out, size_t n)
{
    size_t klen = strlen(key);
    const char *p = map;

    snprintf(out, n, "%s", key);
    while (p != NULL && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (len > klen + 1 && memcmp(p, key, klen) == 0 && p[klen] == '=') {
            snprintf(out, n, "%.*s", (int)(len - klen - 1), p + klen + 1);
            return;
        }
        p = end ? end + 1 : NULL;
    }
}

static struct {
    struct notify_config cfg;
    char node[96];
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int running, stopping;
} ob = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

struct msg {
    int64_t id, attempts;
    char kind[8];
    char recipient[128];
    char tmpl[32];
    char mid[40];
    char *body, *params;
    enum notify_send result;
    char error[200];
};

struct claim_job {
    int64_t now;
    struct msg msgs[CLAIM_BATCH];
    int n;
};

static int
claim_job(struct db *db, void *ctx, struct err *e)
{
    struct claim_job *j = ctx;
    struct db_stmt *st;
    int rc;

    j->n = 0;
    /* Only kinds this node can send: an unconfigured channel keeps its
     * messages queued, untouched, for a node (or a restart) that can. */
    st = db_query(
        db, e,
        "UPDATE outbox SET next_attempt_at = ?, claimed_by = ?, "
        "attempts = attempts + 1 WHERE id IN (SELECT id FROM outbox "
        "WHERE state = 'pending' AND next_attempt_at <= ? AND "
        "(kind = ? OR kind = ?) ORDER BY id LIMIT ?) "
        "RETURNING id, kind, recipient, COALESCE(template, ''), "
        "COALESCE(message_id, ''), body, COALESCE(params, '{}'), attempts",
        "itittI", j->now + NOTIFY_CLAIM_SECONDS, ob.node, j->now,
        ob.cfg.sms_url[0] ? "sms" : "", ob.cfg.smtp_url[0] ? "email" : "",
        CLAIM_BATCH);
    if (!st)
        return -1;
    while ((rc = db_step(st, e)) > 0 && j->n < CLAIM_BATCH) {
        struct msg *m = &j->msgs[j->n++];

        memset(m, 0, sizeof(*m));
        m->id = db_col_int(st, 0);
        snprintf(m->kind, sizeof(m->kind), "%s", db_col_text(st, 1));
        snprintf(m->recipient, sizeof(m->recipient), "%s",
                 db_col_text(st, 2) ? db_col_text(st, 2) : "");
        snprintf(m->tmpl, sizeof(m->tmpl), "%s", db_col_text(st, 3));
        snprintf(m->mid, sizeof(m->mid), "%s", db_col_text(st, 4));
        m->body = xstrdup(db_col_text(st, 5));
        m->params = xstrdup(db_col_text(st, 6));
        m->attempts = db_col_int(st, 7);
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

struct mark_job {
    int64_t now;
    struct msg *msgs;
    int n;
};

static int
mark_job(struct db *db, void *ctx, struct err *e)
{
    struct mark_job *j = ctx;
    int i;

    for (i = 0; i < j->n; i++) {
        struct msg *m = &j->msgs[i];
        int give_up = m->result == NOTIFY_PERMANENT ||
                      m->attempts >= ob.cfg.max_attempts;
        int64_t rc;

        if (m->result == NOTIFY_SENT)
            rc = db_exec(db, e,
                         "UPDATE outbox SET state = 'sent', sent_at = ?, "
                         "last_error = NULL WHERE id = ? AND state = 'pending'",
                         "ii", j->now, m->id);
        else if (give_up)
            rc = db_exec(db, e,
                         "UPDATE outbox SET state = 'failed', last_error = ? "
                         "WHERE id = ? AND state = 'pending'",
                         "ti", m->error, m->id);
        else
            rc = db_exec(db, e,
                         "UPDATE outbox SET next_attempt_at = ?, last_error = ? "
                         "WHERE id = ? AND state = 'pending'",
                         "iti",
                         j->now + notify_backoff(ob.cfg.retry_base, m->attempts),
                         m->error, m->id);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static void
send_one(struct msg *m)
{
    char tid[64];

    if (strcmp(m->kind, "sms") == 0) {
        notify_sms_template_id(ob.cfg.sms_templates, m->tmpl, tid, sizeof(tid));
        m->result = sms_send(&ob.cfg, m->recipient, tid, m->params, m->body,
                             m->mid, m->error, sizeof(m->error));
    } else if (strcmp(m->kind, "email") == 0) {
        const struct notify_template *t = template_find(m->tmpl);
        char subject[128];

        snprintf(subject, sizeof(subject), "锦州12345：%s",
                 t ? t->name : "通知");
        m->result = mail_send(&ob.cfg, m->recipient, subject, m->body, m->mid,
                              m->error, sizeof(m->error));
    } else {
        m->result = NOTIFY_PERMANENT;
        snprintf(m->error, sizeof(m->error), "unknown kind");
    }
    log_info("msg=outbox_send outbox_id=%lld kind=%s message_id=%s attempt=%lld "
             "result=%s%s%s",
             (long long)m->id, m->kind, m->mid, (long long)m->attempts,
             m->result == NOTIFY_SENT    ? "sent"
             : m->result == NOTIFY_RETRY ? "retry"
                                         : "permanent",
             m->error[0] ? " error=" : "", m->error);
}

static pthread_mutex_t pass_lock = PTHREAD_MUTEX_INITIALIZER;

int
notify_deliver_once(struct err *e)
{
    struct claim_job cj;
    struct mark_job mj;
    struct db *db;
    int i, rc;

    if (!ob.running)
        return 0;
    db = db_thread(e);
    if (!db)
        return -1;
    pthread_mutex_lock(&pass_lock);
    memset(&cj, 0, sizeof(cj));
    cj.now = time_now();
    rc = db_write(db, claim_job, &cj, e);
    if (rc < 0 || cj.n == 0)
        goto out;
    for (i = 0; i < cj.n; i++)
        send_one(&cj.msgs[i]);
    mj = (struct mark_job){time_now(), cj.msgs, cj.n};
    rc = db_write(db, mark_job, &mj, e);
out:
    for (i = 0; i < cj.n; i++) {
        free(cj.msgs[i].body);
        free(cj.msgs[i].params);
    }
    pthread_mutex_unlock(&pass_lock);
    return rc < 0 ? rc : cj.n;
}

static void *
worker(void *arg)
{
    struct timespec until;
    int n;

    (void)arg;
    pthread_mutex_lock(&ob.lock);
    while (!ob.stopping) {
        struct err e = ERR_INIT;

        pthread_mutex_unlock(&ob.lock);
        n = notify_deliver_once(&e);
        if (n < 0)
            log_warn("msg=\"outbox delivery failed\" error=\"%s\"", e.message);
        pthread_mutex_lock(&ob.lock);
        if (n == CLAIM_BATCH || ob.stopping)
            continue; /* more may be due at once */
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += POLL_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&ob.cond, &ob.lock, &until);
    }
    pthread_mutex_unlock(&ob.lock);
    db_thread_close();
    return NULL;
}

int
notify_start(const struct notify_config *c, struct err *e)
{
    char host[64] = "host";

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return err_set(e, ERR_INTERNAL, NULL, "libcurl failed to initialise");
    ob.cfg = *c;
    if (ob.cfg.max_attempts < 1)
        ob.cfg.max_attempts = 1;
    if (gethostname(host, sizeof(host)) != 0)
        snprintf(host, sizeof(host), "host");
    host[sizeof(host) - 1] = '\0';
    snprintf(ob.node, sizeof(ob.node), "%s:%ld", host, (long)getpid());
    ob.stopping = 0;
    ob.running = 1;
    if (pthread_create(&ob.thread, NULL, worker, NULL) != 0) {
        ob.running = 0;
        return err_set(e, ERR_INTERNAL, NULL, "cannot start the outbox worker");
    }
    if (sse_start(e) < 0) {
        notify_stop();
        return -1;
    }
    log_info("msg=\"notifications started\" sms=%s email=%s node=%s",
             c->sms_url[0] ? "on" : "off", c->smtp_url[0] ? "on" : "off",
             ob.node);
    return 0;
}

void
notify_stop(void)
{
    sse_stop();
    if (!ob.running)
        return;
    pthread_mutex_lock(&ob.lock);
    ob.stopping = 1;
    pthread_cond_signal(&ob.cond);
    pthread_mutex_unlock(&ob.lock);
    pthread_join(ob.thread, NULL);
    ob.running = 0;
    curl_global_cleanup();
}
