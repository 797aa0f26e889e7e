/* notify.c — queueing messages inside the caller's transaction: the outbox
 * (SMS, email) and in-app notifications. SQL of notifications lives here
 * and in outbox.c / notify_http.c's store half (notify_store.c). */
#include "common.h"

#include <sodium.h>

#include "notify/notify.h"
#include "notify/template.h"

#define FANOUT_MAX 500 /* users one alert reaches (a unit, a role) */

/* 32 hex characters: the id the receiver de-duplicates on. */
static void
message_id(char out[33])
{
    unsigned char raw[16];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(out, 33, raw, sizeof(raw));
}

/* Renders the template of key (admin's body if edited) with params. */
static int
render(struct db *db, const char *key, const char *audience, json_t *params,
       char *out, size_t n, struct err *e)
{
    const struct notify_template *t = template_find(key);
    struct db_stmt *st;
    char body[TEMPLATE_BODY_MAX * 4 + 1];
    int rc;

    if (t == NULL || strcmp(t->audience, audience) != 0)
        BUG("notify: no %s template '%s'", audience, key ? key : "(null)");
    snprintf(body, sizeof(body), "%s", t->body);
    st = db_query(db, e, "SELECT body FROM notify_templates WHERE key = ?",
                  "t", key);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1 && db_col_text(st, 0) != NULL)
        snprintf(body, sizeof(body), "%s", db_col_text(st, 0));
    db_reset(st);
    if (rc < 0)
        return rc;
    template_render(body, params, out, n);
    return 0;
}

static int
queue_outbox(struct db *db, int64_t case_id, int64_t user_id,
             const char *kind, const char *recipient, const char *key,
             json_t *params, const char *text, int64_t now, struct err *e)
{
    char mid[33];
    char *pj = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
    int64_t rc;

    message_id(mid);
    rc = db_exec(db, e,
                 "INSERT INTO outbox (case_id, kind, recipient, body, "
                 "created_at, message_id, template, params, user_id, state, "
                 "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                 "'pending', ?)",
                 "zttti" "ttt" "z" "i", case_id, kind, recipient, text, now,
                 mid, key, pj ? pj : "{}", user_id, now);
    free(pj);
    return rc < 0 ? -1 : 0;
}

int
notify_citizen(struct db *db, int64_t case_id, const char *phone,
               const char *key, json_t *params, int64_t now, struct err *e)
{
    char text[TEMPLATE_TEXT_MAX];

    if (phone == NULL || phone[0] == '\0')
        return 0;
    if (render(db, key, "citizen", params, text, sizeof(text), e) < 0)
        return -1;
    return queue_outbox(db, case_id, 0, "sms", phone, key, params, text, now,
                        e);
}

struct recipient {
    int64_t id;
    char phone[32];
    char email[128];
    int sms, inapp;
};

/* One alert to each recipient, through the channels each chose. */
static int
fan_out(struct db *db, struct recipient *to, size_t n, const char *key,
        int64_t case_id, json_t *params, int64_t now, struct err *e)
{
    char text[TEMPLATE_TEXT_MAX];
    size_t i;

    if (n == 0)
        return 0;
    if (render(db, key, "staff", params, text, sizeof(text), e) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (to[i].inapp &&
            db_exec(db, e,
                    "INSERT INTO notifications (user_id, kind, case_id, text, "
                    "created_at) VALUES (?, ?, ?, ?, ?)",
                    "itzti", to[i].id, key, case_id, text, now) < 0)
            return -1;
        if (to[i].sms && to[i].phone[0] &&
            queue_outbox(db, case_id, to[i].id, "sms", to[i].phone, key,
                         params, text, now, e) < 0)
            return -1;
        if (to[i].email[0] &&
            queue_outbox(db, case_id, to[i].id, "email", to[i].email, key,
                         params, text, now, e) < 0)
            return -1;
    }
    return 0;
}

/* Reads (id, phone, sms, inapp, email) rows into a fresh array. */
static int
read_recipients(struct db_stmt *st, struct recipient **out, size_t *n,
                struct err *e)
{
    struct recipient *r = xcalloc(FANOUT_MAX, sizeof(*r));
    size_t k = 0;
    int rc;

    while ((rc = db_step(st, e)) > 0 && k < FANOUT_MAX) {
        const char *phone = db_col_text(st, 1), *email = db_col_text(st, 4);

        r[k].id = db_col_int(st, 0);
        snprintf(r[k].phone, sizeof(r[k].phone), "%s", phone ? phone : "");
        r[k].sms = db_col_int(st, 2) != 0;
        r[k].inapp = db_col_int(st, 3) != 0;
        snprintf(r[k].email, sizeof(r[k].email), "%s", email ? email : "");
        k++;
    }
    db_reset(st);
    if (rc < 0) {
        free(r);
        return -1;
    }
    *out = r;
    *n = k;
    return 0;
}

int
notify_unit(struct db *db, int64_t unit_id, const char *key, int64_t case_id,
            json_t *params, int64_t now, struct err *e)
{
    struct recipient *to = NULL;
    struct db_stmt *st;
    json_t *p = params ? json_deep_copy(params) : json_object();
    size_t n = 0;
    int rc = -1;

    if (!json_object_get(p, "unit")) {
        st = db_query(db, e, "SELECT name FROM units WHERE id = ?", "i",
                      unit_id);
        if (!st)
            goto out;
        rc = db_step(st, e);
        if (rc == 1)
            json_object_set_new(p, "unit", json_string(db_col_text(st, 0)));
        db_reset(st);
        if (rc < 0)
            goto out;
    }
    st = db_query(db, e,
                  "SELECT u.id, u.phone, COALESCE(p.sms, 0), "
                  "COALESCE(p.inapp, 1), p.email FROM users u "
                  "LEFT JOIN notify_prefs p ON p.user_id = u.id "
                  "WHERE u.unit_id = ? AND u.active = 1 AND "
                  "u.role IN ('handler', 'unit_admin') ORDER BY u.id",
                  "i", unit_id);
    rc = -1;
    if (!st || read_recipients(st, &to, &n, e) < 0)
        goto out;
    rc = fan_out(db, to, n, key, case_id, p, now, e);
out:
    free(to);
    json_decref(p);
    return rc;
}

int
notify_role(struct db *db, const char *role, const char *key,
            int64_t case_id, json_t *params, int64_t now, struct err *e)
{
    struct recipient *to = NULL;
    struct db_stmt *st;
    size_t n = 0;
    int rc;

    st = db_query(db, e,
                  "SELECT u.id, u.phone, COALESCE(p.sms, 0), "
                  "COALESCE(p.inapp, 1), p.email FROM users u "
                  "LEFT JOIN notify_prefs p ON p.user_id = u.id "
                  "WHERE u.role = ? AND u.active = 1 ORDER BY u.id",
                  "t", role);
    if (!st || read_recipients(st, &to, &n, e) < 0)
        return -1;
    rc = fan_out(db, to, n, key, case_id, params, now, e);
    free(to);
    return rc;
}
