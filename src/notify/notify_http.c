/* notify_http.c — handlers: the bell (list, read, read-all), templates,
 * per-user channel preferences, the outbox view, and the test clock. SQL
 * lives in notify_store.c; writes go through the group-commit writer. */
#include "common.h"

#include "deadline/tick.h"
#include "notify/notify.h"
#include "notify/notify_http.h"
#include "notify/notify_store.h"
#include "notify/template.h"
#include "org/user.h"
#include "util/jsonv.h"
#include "util/timeutil.h"

#define LIST_MAX 100
#define EMAIL_MAX 100
#define SMS_ID_MAX 64
#define ADVANCE_MAX (400LL * 86400)

/* One write job type for the small writes here. */
struct njob {
    int kind; /* 0 read, 1 read-all, 2 template, 3 prefs */
    int64_t user_id, id, now, n;
    const char *key, *body, *sms_id, *email;
    int sms, inapp, found;
};

static int
njob_run(struct db *db, void *ctx, struct err *e)
{
    struct njob *j = ctx;
    int rc;

    switch (j->kind) {
    case 0:
        rc = nstore_read(db, j->user_id, j->id, j->now, e);
        if (rc < 0)
            return rc;
        j->found = rc;
        return 0;
    case 1:
        return nstore_read_all(db, j->user_id, j->now, &j->n, e);
    case 2:
        return nstore_template_put(db, j->key, j->body, j->sms_id, j->user_id,
                                   j->now, e);
    default:
        return nstore_prefs_put(db, j->user_id, j->sms, j->inapp, j->email,
                                j->now, e);
    }
}

int
h_notifications_list(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    int64_t limit, before, unread_only, unread;
    json_t *items;

    if (!db ||
        req_query_int(r, "limit", 1, LIST_MAX, 50, &limit, e) < 0 ||
        req_query_int(r, "before", 0, INT64_MAX, 0, &before, e) < 0 ||
        req_query_int(r, "unread", 0, 1, 0, &unread_only, e) < 0)
        return -1;
    if (nstore_list(db, r->user->id, (int)unread_only, before, (int)limit,
                    &items, &unread, e) < 0)
        return -1;
    resp_json(out, 200,
              json_pack("{s:o, s:I}", "items", items, "unread",
                        (json_int_t)unread));
    return 0;
}

int
h_notification_read(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct njob j = {.kind = 0, .user_id = r->user->id, .now = time_now()};

    if (!db)
        return -1;
    if (parse_int64(r->params[0], 1, INT64_MAX, &j.id) < 0)
        return err_set(e, ERR_NOT_FOUND, NULL, "notification: not found");
    if (jv_only(r->json, "", NULL, 0, e) < 0 || db_write(db, njob_run, &j, e) < 0)
        return -1;
    if (!j.found)
        return err_set(e, ERR_NOT_FOUND, NULL, "notification: not found");
    resp_json(out, 200, json_pack("{s:I, s:b}", "id", (json_int_t)j.id, "read", 1));
    return 0;
}

int
h_notifications_read_all(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct njob j = {.kind = 1, .user_id = r->user->id, .now = time_now()};

    if (!db || jv_only(r->json, "", NULL, 0, e) < 0 ||
        db_write(db, njob_run, &j, e) < 0)
        return -1;
    resp_json(out, 200, json_pack("{s:I}", "marked", (json_int_t)j.n));
    return 0;
}

int
h_notify_templates_list(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    json_t *items;

    (void)r;
    if (!db || nstore_templates(db, &items, e) < 0)
        return -1;
    resp_json(out, 200, json_pack("{s:o}", "items", items));
    return 0;
}

int
h_notify_template_put(struct req *r, struct resp *out, struct err *e)
{
    static const char *const f[] = {"body", "sms_template_id"};
    const struct notify_template *t = template_find(r->params[0]);
    struct db *db = db_thread(e);
    struct njob j = {.kind = 2, .user_id = r->user->id, .now = time_now()};
    json_t *items, *v;
    size_t i;

    if (!db)
        return -1;
    if (t == NULL)
        return err_set(e, ERR_NOT_FOUND, NULL, "template: no template '%s'",
                       r->params[0]);
    if (jv_only(r->json, "", f, 2, e) < 0 ||
        jv_str(r->json, "sms_template_id", JV_OPTIONAL, SMS_ID_MAX, &j.sms_id,
               e) < 0)
        return -1;
    v = json_object_get(r->json, "body");
    if (v == NULL)
        return err_set(e, ERR_VALIDATION, "body",
                       "body: required (null restores the default)");
    if (!json_is_null(v)) {
        if (!json_is_string(v))
            return err_set(e, ERR_VALIDATION, "body", "body: must be a string");
        j.body = json_string_value(v);
        if (template_check(t, j.body, e) < 0)
            return -1;
    }
    j.key = t->key;
    if (db_write(db, njob_run, &j, e) < 0 || nstore_templates(db, &items, e) < 0)
        return -1;
    for (i = 0; i < json_array_size(items); i++) {
        v = json_array_get(items, i);
        if (strcmp(json_string_value(json_object_get(v, "key")), t->key) == 0) {
            resp_json(out, 200, json_incref(v));
            break;
        }
    }
    json_decref(items);
    log_info("msg=template_changed key=%s user_id=%lld reset=%d", t->key,
             (long long)r->user->id, j.body == NULL);
    return 0;
}

int
h_notify_prefs_get(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    json_t *j;

    if (!db || nstore_prefs_get(db, r->user->id, &j, e) < 0)
        return -1;
    resp_json(out, 200, j);
    return 0;
}

int
h_notify_prefs_put(struct req *r, struct resp *out, struct err *e)
{
    static const char *const f[] = {"sms", "inapp", "email"};
    struct db *db = db_thread(e);
    struct njob j = {.kind = 3, .user_id = r->user->id, .now = time_now()};
    json_t *cur;

    if (!db || jv_only(r->json, "", f, 3, e) < 0 ||
        nstore_prefs_get(db, r->user->id, &cur, e) < 0)
        return -1;
    /* absent fields keep their value */
    j.sms = json_is_true(json_object_get(cur, "sms"));
    j.inapp = json_is_true(json_object_get(cur, "inapp"));
    j.email = json_string_value(json_object_get(cur, "email"));
    if (jv_bool(r->json, "sms", JV_OPTIONAL, &j.sms, e) < 0 ||
        jv_bool(r->json, "inapp", JV_OPTIONAL, &j.inapp, e) < 0)
        goto fail;
    if (json_object_get(r->json, "email")) {
        json_t *v = json_object_get(r->json, "email");

        if (json_is_null(v) ||
            (json_is_string(v) && json_string_length(v) == 0)) {
            j.email = NULL;
        } else if (jv_str(r->json, "email", JV_REQUIRED, EMAIL_MAX, &j.email,
                          e) < 0) {
            goto fail;
        } else if (!strchr(j.email, '@') ||
                   strpbrk(j.email, "<>\r\n ,;\"") != NULL) {
            err_set(e, ERR_VALIDATION, "email", "email: not an email address");
            goto fail;
        }
    }
    if (db_write(db, njob_run, &j, e) < 0)
        goto fail;
    json_decref(cur);
    return h_notify_prefs_get(r, out, e);
fail:
    json_decref(cur);
    return -1;
}

int
h_notify_outbox_list(struct req *r, struct resp *out, struct err *e)
{
    static const char *const states[] = {"pending", "sent", "failed"};
    struct db *db = db_thread(e);
    const char *state = req_query(r, "state");
    int64_t limit;
    json_t *items;
    size_t i;

    if (!db || req_query_int(r, "limit", 1, LIST_MAX, 50, &limit, e) < 0)
        return -1;
    if (state && state[0]) {
        for (i = 0; i < ARRAY_SIZE(states); i++)
            if (strcmp(state, states[i]) == 0)
                break;
        if (i == ARRAY_SIZE(states))
            return err_set(e, ERR_VALIDATION, "state",
                           "state: must be pending, sent or failed");
    } else {
        state = NULL;
    }
    if (nstore_outbox(db, state, (int)limit, &items, e) < 0)
        return -1;
    resp_json(out, 200, json_pack("{s:o}", "items", items));
    return 0;
}

/* ---- test clock (hotline serve --test-clock only) --------------------- */

static int
test_only(struct err *e)
{
    /* Without the flag these routes do not exist. */
    return time_test_clock_enabled()
               ? 0
               : err_set(e, ERR_NOT_FOUND, NULL, "not found");
}

int
h_test_clock(struct req *r, struct resp *out, struct err *e)
{
    static const char *const f[] = {"advance_seconds"};
    int64_t secs = 0;
    char iso[32];

    if (test_only(e) < 0 || jv_only(r->json, "", f, 1, e) < 0 ||
        jv_int(r->json, "advance_seconds", JV_OPTIONAL, 0, ADVANCE_MAX, &secs,
               e) < 0)
        return -1;
    if (time_advance(secs) < 0)
        return err_set(e, ERR_NOT_FOUND, NULL, "not found");
    time_iso(time_now(), iso);
    log_warn("msg=\"test clock moved\" advance=%lld offset=%lld",
             (long long)secs, (long long)time_offset());
    resp_json(out, 200,
              json_pack("{s:s, s:I, s:I}", "now", iso, "now_epoch",
                        (json_int_t)time_now(), "offset_seconds",
                        (json_int_t)time_offset()));
    return 0;
}

int
h_test_tick(struct req *r, struct resp *out, struct err *e)
{
    struct tick_result res;
    int delivered;

    if (test_only(e) < 0 || jv_only(r->json, "", NULL, 0, e) < 0 ||
        tick_run(&res, e) < 0)
        return -1;
    delivered = notify_deliver_once(e);
    if (delivered < 0)
        return -1;
    resp_json(out, 200,
              json_pack("{s:b, s:s, s:i, s:i, s:i, s:i, s:i}", "ran", res.ran,
                        "holder", res.holder, "checked", res.checked, "marked",
                        res.marked, "urged", res.urged, "escalated",
                        res.escalated, "delivered", delivered));
    return 0;
}
