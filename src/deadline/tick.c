/* tick.c — the deadline tick: the pure decision (tick_decide and the
 * moments it is made of), then its SQL and the thread. docs/tick.md. */
#include "common.h"

#include <pthread.h>

#include "deadline/rules.h"
#include "deadline/tick.h"
#include "notify/notify.h"
#include "util/timeutil.h"

#define DAY 86400
#define WALK_MAX 800 /* days searched backwards / forwards */

/* ---- pure ------------------------------------------------------------- */

const char *
tick_level_name(enum tick_level l)
{
    return l == TICK_RED ? "red" : l == TICK_YELLOW ? "yellow" : "none";
}

static int64_t
city_day(int64_t t)
{
    return (time_city_midnight(t) + CITY_UTC_OFFSET) / DAY;
}

static int64_t
day_start(int64_t day)
{
    return day * DAY - CITY_UTC_OFFSET;
}

/* The moment from which at most `days` working days of time remain before
 * due: walking back from due over working-day time. */
int64_t
tick_yellow_from(const struct calendar *cal, int64_t due, int days)
{
    int64_t need = (int64_t)days * DAY, acc = 0, day, start, end;
    int i;

    day = city_day(due - 1);
    for (i = 0; i < WALK_MAX; i++, day--) {
        if (!calendar_is_workday_days(cal, day))
            continue;
        start = day_start(day);
        end = start + DAY < due ? start + DAY : due;
        if (acc + (end - start) >= need)
            return end - (need - acc);
        acc += end - start;
    }
    return due - need; /* no working days at all: plain time */
}

/* RULE tick-auto-urge: the start of the first working day after the city
 * day on which the deadline passed (a deadline of 24:00 on day D passes at
 * the first instant of D+1: the urge comes on the working day after D+1). */
int64_t
tick_urge_at(const struct calendar *cal, int64_t due)
{
    int64_t day = city_day(due) + 1;
    int i;

    for (i = 0; i < WALK_MAX; i++, day++)
        if (calendar_is_workday_days(cal, day))
            return day_start(day);
    return day_start(city_day(due) + 1);
}

/* RULE tick-escalate-5wd: 24:00 of the 5th working day after the day the
 * deadline fell on. */
int
tick_escalate_at(const struct calendar *cal, int64_t due, int64_t *out,
                 struct err *e)
{
    return calendar_add_workdays(cal, due - 1, TICK_ESCALATE_WORKDAYS, out, e);
}

static void
sooner(int64_t *next, int64_t t)
{
    if (*next == 0 || t < *next)
        *next = t;
}

/* Level of one deadline at now; the moment it next changes goes to next. */
static enum tick_level
level_of(const struct calendar *cal, int64_t d, int64_t now, int yellow_days,
         int64_t *next)
{
    int64_t y;

    if (now >= d)
        return TICK_RED;
    y = tick_yellow_from(cal, d, yellow_days);
    if (now >= y) {
        sooner(next, d);
        return TICK_YELLOW;
    }
    sooner(next, y);
    return TICK_NONE;
}

int
tick_decide(const struct calendar *cal, const struct tick_input *in,
            int64_t now, int yellow_days, struct tick_decision *out,
            struct err *e)
{
    enum tick_level ls = TICK_NONE, lh = TICK_NONE;
    int64_t target = 0, x;
    int target_sign = 0;

    memset(out, 0, sizeof(*out));
    if (in->status == TICK_OTHER)
        return 0; /* nothing to watch: next_check 0 = never */
    if (in->status == TICK_DISPATCHED && in->sign_due)
        ls = level_of(cal, in->sign_due, now, yellow_days, &out->next_check);
    if (in->due)
        lh = level_of(cal, in->due, now, yellow_days, &out->next_check);
    /* the worse mark; on a tie the sign deadline (it comes first) */
    if (ls >= lh && ls != TICK_NONE) {
        out->level = ls;
        out->of_sign = 1;
        out->deadline = in->sign_due;
    } else if (lh != TICK_NONE) {
        out->level = lh;
        out->deadline = in->due;
    }
    if (!in->lead)
        return 0;
    /* One auto-urge per deadline: the handling one once it passed, else
     * the sign one. */
    if (lh == TICK_RED) {
        target = in->due;
    } else if (ls == TICK_RED) {
        target = in->sign_due;
        target_sign = 1;
    }
    if (target && in->urged_for != target) {
        x = tick_urge_at(cal, target);
        if (now >= x) {
            out->urge = 1;
            out->urge_for = target;
            out->urge_of_sign = target_sign;
        } else {
            sooner(&out->next_check, x);
        }
    }
    if (lh == TICK_RED && in->escalated_for != in->due) {
        if (tick_escalate_at(cal, in->due, &x, e) < 0)
            return -1;
        if (now >= x)
            out->escalate = 1;
        else
            sooner(&out->next_check, x);
    }
    return 0;
}

/* ---- store ------------------------------------------------------------ */

int
tick_touch_case(struct db *db, int64_t case_id, struct err *e)
{
    return db_exec(db, e,
                   "UPDATE assignments SET next_check_at = 0 WHERE case_id = ?",
                   "i", case_id) < 0
               ? -1
               : 0;
}

static struct {
    struct tick_config cfg;
    char node[96];
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int running, stopping;
} tk = {.cfg = {30, 1},
        .lock = PTHREAD_MUTEX_INITIALIZER,
        .cond = PTHREAD_COND_INITIALIZER};

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

struct lease_job {
    int64_t now;
    int held;
};

static int
lease_job(struct db *db, void *ctx, struct err *e)
{
    struct lease_job *j = ctx;
    int64_t len = tk.cfg.interval * 3 > 60 ? tk.cfg.interval * 3 : 60;
    int64_t rc;

    /* RULE tick-lease: one node runs the tick; the lease is taken when it
     * has run out or is ours already. */
    rc = db_exec(db, e,
                 "UPDATE tick_lease SET holder = ?, expires_at = ? WHERE "
                 "name = 'deadline' AND (expires_at < ? OR holder = ?)",
                 "tiit", tk.node, j->now + len, j->now, tk.node);
    if (rc < 0)
        return -1;
    j->held = rc == 1;
    return 0;
}

struct row {
    int64_t id, case_id, unit_id;
    int lead, active;
    char status[16], warning[8], case_status[16];
    int64_t sign_due, due, urged_for, escalated_for;
    char case_no[24];
    char title[404];
};

struct batch_job {
    int64_t now;
    int n; /* rows looked at */
    struct tick_result *res;
};

static int
add_system_event(struct db *db, int64_t case_id, const char *action,
                 const char *status, json_t *payload, int64_t now,
                 struct err *e)
{
    char *text = json_dumps(payload, JSON_COMPACT);
    int64_t rc;

    rc = db_exec(db, e,
                 "INSERT INTO case_events (case_id, at, actor_kind, action, "
                 "from_status, to_status, payload, public) VALUES "
                 "(?, ?, 'system', ?, ?, ?, ?, 0)",
                 "iitttt", case_id, now, action, status, status, text);
    free(text);
    json_decref(payload);
    return rc < 0 ? -1 : 0;
}

static json_t *
alert_params(const struct row *w, const char *kind, int64_t deadline)
{
    char iso[32];

    time_deadline_text(deadline, 1, iso); /* "2026-12-09 24:00" */
    return json_pack("{s:s, s:s, s:s, s:s}", "case_no", w->case_no, "title",
                     w->title, "deadline_kind", kind, "deadline", iso);
}

static int
apply(struct db *db, const struct calendar *cal, const struct row *w,
      int64_t now, struct tick_result *res, struct err *e)
{
    struct tick_input in = {TICK_OTHER, w->lead, w->sign_due, w->due,
                            w->urged_for, w->escalated_for};
    struct tick_decision d;
    enum tick_level old;
    const char *level;
    char iso[32];
    json_t *p;
    int rc = 0;

    if (w->active && strcmp(w->status, "dispatched") == 0)
        in.status = TICK_DISPATCHED;
    else if (w->active && strcmp(w->status, "handling") == 0)
        in.status = TICK_HANDLING;
    /* the lead's clock runs only while the case is with the unit */
    if (w->lead && strcmp(w->case_status, "dispatched") != 0 &&
        strcmp(w->case_status, "handling") != 0)
        in.status = TICK_OTHER;
    if (tick_decide(cal, &in, now, tk.cfg.yellow_days, &d, e) < 0)
        return -1;
    level = tick_level_name(d.level);
    old = strcmp(w->warning, "red") == 0      ? TICK_RED
          : strcmp(w->warning, "yellow") == 0 ? TICK_YELLOW
                                              : TICK_NONE;
    if (d.level != old) {
        res->marked++;
        if (db_exec(db, e, "UPDATE assignments SET warning = ? WHERE id = ?",
                    "ti", level, w->id) < 0)
            return -1;
        if (d.level > old) {
            p = alert_params(w, d.of_sign ? "签收" : "办理", d.deadline);
            rc = notify_unit(db, w->unit_id, level, w->case_id, p, now, e);
            json_decref(p);
            if (rc < 0)
                return -1;
        }
    }
    if (w->lead &&
        db_exec(db, e,
                "UPDATE cases SET warning = ? WHERE id = ? AND warning <> ?",
                "tit", level, w->case_id, level) < 0)
        return -1;
    if (d.urge) {
        res->urged++;
        time_iso(d.urge_for, iso);
        if (add_system_event(db, w->case_id, "urge", w->case_status,
                             json_pack("{s:b, s:s, s:s}", "auto", 1, "of",
                                       d.urge_of_sign ? "sign" : "handle",
                                       "deadline", iso),
                             now, e) < 0 ||
            db_exec(db, e, "UPDATE assignments SET urged_for = ? WHERE id = ?",
                    "ii", d.urge_for, w->id) < 0)
            return -1;
        p = alert_params(w, d.urge_of_sign ? "签收" : "办理", d.urge_for);
        json_object_set_new(
            p, "note",
            json_string(d.urge_of_sign ? "签收期限已过，系统自动催办，请尽快签收。"
                                       : "办理期限已过，系统自动催办，请尽快办结。"));
        rc = notify_unit(db, w->unit_id, "urged", w->case_id, p, now, e);
        json_decref(p);
        if (rc < 0)
            return -1;
    }
    if (d.escalate) {
        res->escalated++;
        time_iso(w->due, iso);
        if (add_system_event(db, w->case_id, "escalate", w->case_status,
                             json_pack("{s:b, s:i, s:s, s:I}", "auto", 1,
                                       "overdue_working_days",
                                       TICK_ESCALATE_WORKDAYS, "deadline", iso,
                                       "unit_id", (json_int_t)w->unit_id),
                             now, e) < 0 ||
            db_exec(db, e,
                    "UPDATE assignments SET escalated_for = ? WHERE id = ?",
                    "ii", w->due, w->id) < 0)
            return -1;
        p = alert_params(w, "办理", w->due);
        json_object_set_new(p, "overdue_days",
                            json_integer(TICK_ESCALATE_WORKDAYS));
        {
            struct db_stmt *st = db_query(
                db, e, "SELECT name FROM units WHERE id = ?", "i", w->unit_id);

            if (!st) {
                json_decref(p);
                return -1;
            }
            if (db_step(st, e) == 1)
                json_object_set_new(p, "unit", json_string(db_col_text(st, 0)));
            db_reset(st);
        }
        rc = notify_role(db, "supervisor", "escalated", w->case_id, p, now, e);
        json_decref(p);
        if (rc < 0)
            return -1;
    }
    return db_exec(db, e,
                   "UPDATE assignments SET next_check_at = ? WHERE id = ?",
                   "zi", d.next_check, w->id) < 0
               ? -1
               : 0;
}

static int
batch_job(struct db *db, void *ctx, struct err *e)
{
    struct batch_job *j = ctx;
    struct deadline_snapshot *snap = NULL;
    struct row *rows = NULL;
    struct db_stmt *st;
    int i, n = 0, rc = -1;

    j->n = 0;
    st = db_query(
        db, e,
        "SELECT a.id, a.case_id, a.unit_id, a.role, a.active, a.status, "
        "a.warning, COALESCE(a.sign_due_at, 0), COALESCE(a.due_at, 0), "
        "COALESCE(a.urged_for, 0), COALESCE(a.escalated_for, 0), c.status, "
        "c.case_no, c.title FROM assignments a JOIN cases c ON c.id = a.case_id "
        "WHERE a.next_check_at <= ? ORDER BY a.next_check_at, a.id LIMIT ?",
        "iI", j->now, TICK_BATCH);
    if (!st)
        return -1;
    rows = xcalloc(TICK_BATCH, sizeof(*rows));
    while ((rc = db_step(st, e)) > 0 && n < TICK_BATCH) {
        struct row *w = &rows[n++];

        w->id = db_col_int(st, 0);
        w->case_id = db_col_int(st, 1);
        w->unit_id = db_col_int(st, 2);
        w->lead = strcmp(db_col_text(st, 3), "lead") == 0;
        w->active = db_col_int(st, 4) != 0;
        snprintf(w->status, sizeof(w->status), "%s", db_col_text(st, 5));
        snprintf(w->warning, sizeof(w->warning), "%s", db_col_text(st, 6));
        w->sign_due = db_col_int(st, 7);
        w->due = db_col_int(st, 8);
        w->urged_for = db_col_int(st, 9);
        w->escalated_for = db_col_int(st, 10);
        snprintf(w->case_status, sizeof(w->case_status), "%s",
                 db_col_text(st, 11));
        snprintf(w->case_no, sizeof(w->case_no), "%s", db_col_text(st, 12));
        snprintf(w->title, sizeof(w->title), "%s", db_col_text(st, 13));
    }
    db_reset(st);
    if (rc < 0)
        goto out;
    rc = 0;
    if (n == 0)
        goto out;
    rc = deadline_snapshot_get(db, &snap, e);
    if (rc < 0)
        goto out;
    for (i = 0; i < n; i++) {
        rc = apply(db, &snap->cal, &rows[i], j->now, j->res, e);
        if (rc < 0)
            goto out;
    }
    j->n = n;
out:
    if (snap)
        deadline_snapshot_put(snap);
    free(rows);
    return rc;
}

int
tick_run(struct tick_result *out, struct err *e)
{
    struct lease_job lj;
    struct batch_job bj;
    struct db *db = db_thread(e);
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (!db)
        return -1;
    if (tk.node[0] == '\0') {
        char host[64] = "host";

        if (gethostname(host, sizeof(host)) != 0)
            snprintf(host, sizeof(host), "host");
        host[sizeof(host) - 1] = '\0';
        snprintf(tk.node, sizeof(tk.node), "%s:%ld", host, (long)getpid());
    }
    pthread_mutex_lock(&run_lock);
    lj = (struct lease_job){time_now(), 0};
    rc = db_write(db, lease_job, &lj, e);
    if (rc < 0 || !lj.held)
        goto out;
    out->ran = 1;
    snprintf(out->holder, sizeof(out->holder), "%s", tk.node);
    /* each batch is one write job; a batch leaves its rows' next_check_at
     * in the future, so the loop ends */
    do {
        bj = (struct batch_job){lj.now, 0, out};
        rc = db_write(db, batch_job, &bj, e);
        out->checked += bj.n;
    } while (rc == 0 && bj.n == TICK_BATCH);
out:
    pthread_mutex_unlock(&run_lock);
    if (rc == 0 && out->ran && (out->marked || out->urged || out->escalated))
        log_info("msg=tick checked=%d marked=%d urged=%d escalated=%d",
                 out->checked, out->marked, out->urged, out->escalated);
    return rc;
}

static void *
tick_main(void *arg)
{
    struct timespec until;

    (void)arg;
    pthread_mutex_lock(&tk.lock);
    while (!tk.stopping) {
        struct tick_result res;
        struct err e = ERR_INIT;

        pthread_mutex_unlock(&tk.lock);
        if (tick_run(&res, &e) < 0)
            log_warn("msg=\"tick failed\" error=\"%s\"", e.message);
        pthread_mutex_lock(&tk.lock);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += tk.cfg.interval;
        if (!tk.stopping)
            pthread_cond_timedwait(&tk.cond, &tk.lock, &until);
    }
    pthread_mutex_unlock(&tk.lock);
    db_thread_close();
    return NULL;
}

int
tick_start(const struct tick_config *c, struct err *e)
{
    tk.cfg = *c;
    if (tk.cfg.interval < 1)
        tk.cfg.interval = 1;
    if (tk.cfg.yellow_days < 1)
        tk.cfg.yellow_days = 1;
    tk.stopping = 0;
    if (pthread_create(&tk.thread, NULL, tick_main, NULL) != 0)
        return err_set(e, ERR_INTERNAL, NULL, "cannot start the tick");
    tk.running = 1;
    return 0;
}

void
tick_stop(void)
{
    if (!tk.running)
        return;
    pthread_mutex_lock(&tk.lock);
    tk.stopping = 1;
    pthread_cond_signal(&tk.cond);
    pthread_mutex_unlock(&tk.lock);
    pthread_join(tk.thread, NULL);
    tk.running = 0;
}
