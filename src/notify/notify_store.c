/* notify_store.c — SQL behind the notification endpoints. */
#include "common.h"

#include "notify/notify_store.h"
#include "notify/template.h"
#include "util/jsonv.h"

int
nstore_list(struct db *db, int64_t user_id, int unread_only, int64_t before,
            int limit, json_t **items, int64_t *unread, struct err *e)
{
    struct db_stmt *st;
    json_t *arr;
    int rc;

    if (db_query_int(db, e, unread,
                     "SELECT COUNT(*) FROM notifications WHERE user_id = ? "
                     "AND read_at IS NULL",
                     "i", user_id) < 0)
        return -1;
    st = db_query(db, e,
                  "SELECT n.id, n.kind, n.case_id, c.case_no, n.text, "
                  "n.created_at, COALESCE(n.read_at, 0) FROM notifications n "
                  "LEFT JOIN cases c ON c.id = n.case_id WHERE n.user_id = ? "
                  "AND (? = 0 OR n.read_at IS NULL) AND (? = 0 OR n.id < ?) "
                  "ORDER BY n.id DESC LIMIT ?",
                  "iIiiI", user_id, unread_only, before, before, limit);
    if (!st)
        return -1;
    arr = json_array();
    while ((rc = db_step(st, e)) > 0) {
        json_array_append_new(
            arr,
            json_pack("{s:I, s:s, s:o, s:o, s:s, s:o, s:o}", "id",
                      (json_int_t)db_col_int(st, 0), "kind", db_col_text(st, 1),
                      "case_id",
                      db_col_is_null(st, 2) ? json_null()
                                            : json_integer(db_col_int(st, 2)),
                      "case_no",
                      db_col_text(st, 3) ? json_string(db_col_text(st, 3))
                                         : json_null(),
                      "text", db_col_text(st, 4), "created_at",
                      jv_time_json(db_col_int(st, 5)), "read_at",
                      jv_time_json(db_col_int(st, 6))));
    }
    db_reset(st);
    if (rc < 0) {
        json_decref(arr);
        return -1;
    }
    *items = arr;
    return 0;
}

int
nstore_read(struct db *db, int64_t user_id, int64_t id, int64_t now,
            struct err *e)
{
    int64_t n;

    if (db_exec(db, e,
                "UPDATE notifications SET read_at = ? WHERE id = ? AND "
                "user_id = ? AND read_at IS NULL",
                "iii", now, id, user_id) < 0)
        return -1;
    if (db_query_int(db, e, &n,
                     "SELECT COUNT(*) FROM notifications WHERE id = ? AND "
                     "user_id = ?",
                     "ii", id, user_id) < 0)
        return -1;
    return n > 0;
}

int
nstore_read_all(struct db *db, int64_t user_id, int64_t now, int64_t *n,
                struct err *e)
{
    *n = db_exec(db, e,
                 "UPDATE notifications SET read_at = ? WHERE user_id = ? AND "
                 "read_at IS NULL",
                 "ii", now, user_id);
    return *n < 0 ? -1 : 0;
}

int
nstore_templates(struct db *db, json_t **out, struct err *e)
{
    json_t *arr = json_array();
    size_t i, k;
    int rc;

    for (i = 0; i < notify_ntemplates; i++) {
        const struct notify_template *t = &notify_templates[i];
        json_t *params = json_array(), *j;
        struct db_stmt *st;

        for (k = 0; k < TEMPLATE_PARAM_MAX && t->params[k]; k++)
            json_array_append_new(params, json_string(t->params[k]));
        j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:n, s:n}", "key",
                      t->key, "audience", t->audience, "name", t->name, "body",
                      t->body, "default_body", t->body, "params", params,
                      "customized", 0, "sms_template_id", "updated_at");
        st = db_query(db, e,
                      "SELECT body, sms_template_id, updated_at FROM "
                      "notify_templates WHERE key = ?",
                      "t", t->key);
        if (!st) {
            json_decref(j);
            json_decref(arr);
            return -1;
        }
        rc = db_step(st, e);
        if (rc == 1) {
            json_object_set_new(j, "body", json_string(db_col_text(st, 0)));
            json_object_set_new(j, "customized", json_true());
            if (db_col_text(st, 1))
                json_object_set_new(j, "sms_template_id",
                                    json_string(db_col_text(st, 1)));
            json_object_set_new(j, "updated_at",
                                jv_time_json(db_col_int(st, 2)));
        }
        db_reset(st);
        json_array_append_new(arr, j);
        if (rc < 0) {
            json_decref(arr);
            return -1;
        }
    }
    *out = arr;
    return 0;
}

int
nstore_template_put(struct db *db, const char *key, const char *body,
                    const char *sms_id, int64_t user_id, int64_t now,
                    struct err *e)
{
    if (body == NULL)
        return db_exec(db, e, "DELETE FROM notify_templates WHERE key = ?",
                       "t", key) < 0
                   ? -1
                   : 0;
    return db_exec(db, e,
                   "INSERT INTO notify_templates (key, body, sms_template_id, "
                   "updated_at, updated_by) VALUES (?, ?, ?, ?, ?) "
                   "ON CONFLICT (key) DO UPDATE SET body = excluded.body, "
                   "sms_template_id = excluded.sms_template_id, "
                   "updated_at = excluded.updated_at, "
                   "updated_by = excluded.updated_by",
                   "tttii", key, body, sms_id, now, user_id) < 0
               ? -1
               : 0;
}

int
nstore_prefs_get(struct db *db, int64_t user_id, json_t **out, struct err *e)
{
    struct db_stmt *st;
    int rc;

    st = db_query(db, e,
                  "SELECT u.phone, COALESCE(p.sms, 0), COALESCE(p.inapp, 1), "
                  "p.email FROM users u LEFT JOIN notify_prefs p ON "
                  "p.user_id = u.id WHERE u.id = ?",
                  "i", user_id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1)
        *out = json_pack(
            "{s:b, s:b, s:o, s:b}", "sms", (int)db_col_int(st, 1), "inapp",
            (int)db_col_int(st, 2), "email",
            db_col_text(st, 3) ? json_string(db_col_text(st, 3)) : json_null(),
            "has_phone", db_col_text(st, 0) && db_col_text(st, 0)[0]);
    db_reset(st);
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, NULL, "user: not found");
    return rc < 0 ? -1 : 0;
}

int
nstore_prefs_put(struct db *db, int64_t user_id, int sms, int inapp,
                 const char *email, int64_t now, struct err *e)
{
    return db_exec(db, e,
                   "INSERT INTO notify_prefs (user_id, sms, inapp, email, "
                   "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) "
                   "DO UPDATE SET sms = excluded.sms, inapp = excluded.inapp, "
                   "email = excluded.email, updated_at = excluded.updated_at",
                   "ibbti", user_id, sms, inapp, email, now) < 0
               ? -1
               : 0;
}

int
nstore_outbox(struct db *db, const char *state, int limit, json_t **out,
              struct err *e)
{
    struct db_stmt *st;
    json_t *arr;
    int rc;

    st = db_query(db, e,
                  "SELECT o.id, o.kind, o.recipient, COALESCE(o.template, ''), "
                  "COALESCE(o.message_id, ''), o.state, o.attempts, "
                  "o.created_at, COALESCE(o.sent_at, 0), o.next_attempt_at, "
                  "o.last_error, o.case_id FROM outbox o "
                  "WHERE (CAST(? AS TEXT) IS NULL OR o.state = ?) "
                  "ORDER BY o.id DESC LIMIT ?",
                  "ttI", state, state, limit);
    if (!st)
        return -1;
    arr = json_array();
    while ((rc = db_step(st, e)) > 0) {
        char masked[32];
        const char *to = db_col_text(st, 2) ? db_col_text(st, 2) : "";

        if (strcmp(db_col_text(st, 1), "sms") == 0)
            log_mask_phone(to, masked);
        else
            snprintf(masked, sizeof(masked), "%.2s***", to);
        json_array_append_new(
            arr,
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o, "
                      "s:o, s:o}",
                      "id", (json_int_t)db_col_int(st, 0), "kind",
                      db_col_text(st, 1), "recipient", masked, "template",
                      db_col_text(st, 3), "message_id", db_col_text(st, 4),
                      "state", db_col_text(st, 5), "attempts",
                      (json_int_t)db_col_int(st, 6), "created_at",
                      jv_time_json(db_col_int(st, 7)), "sent_at",
                      jv_time_json(db_col_int(st, 8)), "next_attempt_at",
                      jv_time_json(db_col_int(st, 9)), "last_error",
                      db_col_text(st, 10) ? json_string(db_col_text(st, 10))
                                          : json_null(),
                      "case_id",
                      db_col_is_null(st, 11) ? json_null()
                                             : json_integer(db_col_int(st, 11))));
    }
    db_reset(st);
    if (rc < 0) {
        json_decref(arr);
        return -1;
    }
    *out = arr;
    return 0;
}
