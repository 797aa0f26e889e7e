/* store.c — creating cases and applying lifecycle actions.
 *
 * Each public function is one transaction. case_act loads the case and the
 * caller's relation to it after BEGIN (the write lock is held, so two
 * dispatchers cannot both act on what they saw), decides with the lifecycle
 * table, validates the arguments, applies the change, appends the event and
 * commits — or rolls everything back.
 */
#include "common.h"

#include <stdio.h>

#include "cases/cases.h"
#include "cases/lifecycle.h"
#include "cases/rules.h"
#include "cases/store.h"
#include "deadline/rules.h" /* time limits */
#include "deadline/tick.h"  /* notifications: the tick looks again */
#include "kb/kb.h"            /* knowledge base: answer-from-article */
#include "notify/notify.h"  /* notifications */
#include "org/audit.h"
#include "org/org.h"
#include "text/search.h" /* search: index the new case */
#include "util/jsonv.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define IDEMPOTENCY_TTL (24 * 3600)
#define SMS_REASON_CHARS 200 /* an SMS carries the start of a long reason */

int
case_user_sees_all(const struct user *u)
{
    return u && role_is_platform(u->role);
}

int
case_resolve(struct db *db, const char *ref, int64_t *id, struct err *e)
{
    int64_t n;

    if (parse_int64(ref, 1, INT64_MAX, &n) == 0) {
        *id = n;
        return 1;
    }
    if (!case_no_shape(ref))
        return 0;
    return db_query_int(db, e, id, "SELECT id FROM cases WHERE case_no = ?",
                        "t", ref);
}

/* ---- facts ------------------------------------------------------------- */

int
case_load_facts(struct db *db, const struct user *u, int64_t id, int64_t now,
                struct case_row *row, struct case_facts *f, struct err *e)
{
    struct db_stmt *st;
    int rc;
    int64_t n;
    char like[sizeof(u->unit_path) + 2];

    st = db_query(db, e,
                  "SELECT id, case_no, status, type, urgency, "
                  "COALESCE(lead_unit_id, 0), COALESCE(sign_due_at, 0), "
                  "COALESCE(due_at, 0), COALESCE(dispatched_at, 0), "
                  "COALESCE(closed_at, 0), COALESCE(citizen_phone, ''), "
                  "anonymous, query_code, COALESCE(category_id, 0) "
                  "FROM cases WHERE id = ?",
                  "i", id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        memset(row, 0, sizeof(*row));
        row->id = db_col_int(st, 0);
        snprintf(row->case_no, sizeof(row->case_no), "%s", db_col_text(st, 1));
        if (case_status_parse(db_col_text(st, 2), &row->status) < 0)
            BUG("case %lld has an unknown status", (long long)id);
        snprintf(row->type, sizeof(row->type), "%s", db_col_text(st, 3));
        snprintf(row->urgency, sizeof(row->urgency), "%s", db_col_text(st, 4));
        row->lead_unit_id = db_col_int(st, 5);
        row->sign_due_at = db_col_int(st, 6);
        row->due_at = db_col_int(st, 7);
        row->dispatched_at = db_col_int(st, 8);
        row->closed_at = db_col_int(st, 9);
        snprintf(row->citizen_phone, sizeof(row->citizen_phone), "%s",
                 db_col_text(st, 10));
        row->anonymous = (int)db_col_int(st, 11);
        snprintf(row->query_code, sizeof(row->query_code), "%s",
                 db_col_text(st, 12));
        row->category_id = db_col_int(st, 13);
    }
    db_reset(st);
    if (rc <= 0)
        return rc;

    memset(f, 0, sizeof(*f));
    f->status = row->status;
    f->now = now;
    f->has_lead = row->lead_unit_id != 0;
    /* The windows count working days from the rule that applies now
     * (deadline/rules.h). */
    if (row->dispatched_at &&
        (row->status == CS_DISPATCHED || row->status == CS_HANDLING) &&
        deadline_return_until(db, &(struct deadline_case){row->type,
                                                          row->urgency,
                                                          row->category_id},
                              row->dispatched_at, &f->return_until, e) < 0)
        return -1;
    if (row->closed_at &&
        deadline_reopen_until(db, &(struct deadline_case){row->type,
                                                          row->urgency,
                                                          row->category_id},
                              row->closed_at, &f->reopen_until, e) < 0)
        return -1;

    rc = db_query_int(db, e, &n,
                      "SELECT COUNT(*) FROM extensions "
                      "WHERE case_id = ? AND status = 'pending'",
                      "i", id);
    if (rc < 0)
        return rc;
    f->pending_extension = n > 0;

    if (!u)
        return 1;
    if (case_user_sees_all(u)) {
        f->is_platform = 1;
        f->can_view = 1;
        return 1;
    }

    snprintf(like, sizeof(like), "%s%%", u->unit_path);
    /* Unit roles see a case while their unit, or a unit below it, holds an
     * active assignment on it; the relation comes from those assignments.
     * After a re-dispatch the unit that returned the case no longer sees it. */
    st = db_query(db, e,
                  "SELECT a.role, COALESCE(a.signed_at, 0) "
                  "FROM assignments a JOIN units n ON n.id = a.unit_id "
                  "WHERE a.case_id = ? AND a.active = 1 AND n.path LIKE ?",
                  "it", id, like);
    if (!st)
        return -1;
    while ((rc = db_step(st, e)) > 0) {
        f->can_view = 1;
        if (strcmp(db_col_text(st, 0), "lead") == 0) {
            f->is_lead = 1;
        } else {
            f->is_participant = 1;
            if (db_col_int(st, 1) == 0)
                f->own_unsigned = 1;
        }
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    return f->can_view ? 1 : 0;
}

/* ---- creating ---------------------------------------------------------- */

int
case_idempotent(struct db *db, const char *scope, const char *key,
                int64_t now, int64_t *id, struct err *e)
{
    return db_query_int(db, e, id,
                        "SELECT case_id FROM idempotency "
                        "WHERE scope = ? AND key = ? AND created_at > ?",
                        "tti", scope, key, now - IDEMPOTENCY_TTL);
}

/* Appends to the timeline; takes ownership of payload (may be NULL). */
static int
add_event(struct db *db, int64_t case_id, const struct user *u,
          const char *actor_kind, const char *action, const char *from,
          const char *to, json_t *payload, int public_event, int64_t now,
          struct err *e)
{
    char *text = NULL;
    int64_t rc;

    if (payload && json_object_size(payload) > 0)
        text = json_dumps(payload, JSON_COMPACT);
    rc = db_exec(db, e,
                 "INSERT INTO case_events (case_id, at, actor_id, actor_unit_id, "
                 "actor_kind, action, from_status, to_status, payload, public) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 "iizztttttb", case_id, now, u ? u->id : 0,
                 u ? u->unit_id : 0, actor_kind, action, from, to, text,
                 public_event);
    free(text);
    json_decref(payload);
    return rc < 0 ? -1 : 0;
}

int
case_create(struct db *db, const struct user *u, const struct case_new *in,
            int64_t now, int64_t *id_out, struct err *e)
{
    int64_t category_id = 0, seq, id;
    char case_no[24], code[8], title[CASE_TITLE_MAX * 4 + 1];
    const char *status;
    int rc;

    if (db_begin(db, e) < 0)
        return -1;
    if (in->category_code) {
        rc = category_find(db, in->category_code, &category_id, NULL, e);
        if (rc == 0)
            err_set(e, ERR_VALIDATION, "category_code",
                    "category_code: no category '%s'", in->category_code);
        if (rc <= 0)
            goto fail;
    }
    if (in->district_code) {
        rc = district_exists(db, in->district_code, e);
        if (rc == 0)
            err_set(e, ERR_VALIDATION, "district_code",
                    "district_code: no district '%s'", in->district_code);
        if (rc <= 0)
            goto fail;
    }
    if (in->idem_key) {
        rc = case_idempotent(db, in->idem_scope, in->idem_key, now, id_out, e);
        if (rc < 0)
            goto fail;
        if (rc == 1) /* created by an earlier request with this key */
            return db_commit(db, e);
    }

    rc = db_query_int(db, e, &seq,
                      "INSERT INTO case_seq (day, last) VALUES (?, 1) "
                      "ON CONFLICT (day) DO UPDATE SET last = case_seq.last + 1 "
                      "RETURNING last",
                      "i", (int64_t)time_city_ymd(now));
    if (rc <= 0)
        goto fail;
    if (seq > 999999) {
        err_set(e, ERR_UNAVAILABLE, NULL, "case numbers for today are used up");
        goto fail;
    }
    case_no_format(time_city_ymd(now), seq, case_no);
    case_query_code(code);
    if (in->title)
        snprintf(title, sizeof(title), "%s", in->title);
    else
        case_title_from(in->content, title, sizeof(title));
    /* Phone cases taken by an agent are accepted on the spot; everything
     * else waits for review (DESIGN.md §3). */
    status = u && strcmp(in->channel, "phone") == 0 ? "accepted" : "new";

    rc = db_query_int(
        db, e, &id,
        "INSERT INTO cases (case_no, query_code, channel, type, urgency, "
        "status, title, content, category_id, district_code, address, lat, "
        "lng, citizen_name, citizen_phone, anonymous, confidential, "
        "external_id, created_by, created_at, updated_at) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id",
        "tttttttt" "ztt" "DD" "ttbbt" "zii",
        case_no, code, in->channel, in->type, in->urgency, status, title,
        in->content, category_id, in->district_code, in->address,
        in->has_geo ? &in->lat : NULL, in->has_geo ? &in->lng : NULL,
        in->citizen_name, in->citizen_phone, in->anonymous, in->confidential,
        in->external_id, u ? u->id : 0, now, now);
    if (rc <= 0)
        goto fail;
    /* search: the case's words are indexed in its own transaction (in the
     * writer's batch: no extra commit), so a case is found as soon as it
     * exists (text/search.h). */
    {
        const char *words[2] = {title, in->content};

        if (search_index_fields(db, SEARCH_CASES, id, words, 2, e) < 0)
            goto fail;
    }
    if (add_event(db, id, u, u ? "staff" : "citizen", "create", NULL, status,
                  json_pack("{s:s}", "channel", in->channel), 1, now, e) < 0)
        goto fail;
    /* notifications: the receipt SMS (case number + query code) */
    if (!in->anonymous && in->citizen_phone && in->citizen_phone[0]) {
        json_t *p = json_pack("{s:s, s:s}", "case_no", case_no, "query_code",
                              code);

        rc = notify_citizen(db, id, in->citizen_phone, "receipt", p, now, e);
        json_decref(p);
        if (rc < 0)
            goto fail;
    }
    /* audit (org/audit.h): the intake, in the same transaction */
    if (audit_record(db, u, NULL, AUDIT_CASE_CREATE, "case", id, id,
                     json_pack("{s:s, s:s}", "channel", in->channel, "status",
                               status),
                     now, e) < 0)
        goto fail;
    if (in->idem_key &&
        db_exec(db, e,
                "INSERT INTO idempotency (scope, key, case_id, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (scope, key) DO UPDATE "
                "SET case_id = excluded.case_id, created_at = excluded.created_at",
                "ttii", in->idem_scope, in->idem_key, id, now) < 0)
        goto fail;
    if (db_commit(db, e) < 0)
        return -1;
    *id_out = id;
    log_info("msg=case_created case_id=%lld case_no=%s channel=%s",
             (long long)id, case_no, in->channel);
    return 0;

fail:
    db_rollback(db);
    return -1;
}

/* ---- acting ------------------------------------------------------------ */

/* What an action handler gets. */
struct act {
    struct db *db;
    const struct user *u;
    struct case_row *c;
    const struct case_transition *t;
    json_t *args;
    json_t *payload;   /* the event's payload, filled by the handler */
    int64_t now;
    struct err *e;
};

static int
args_only(struct act *a, const char *const *fields, size_t n)
{
    return jv_only(a->args, "", fields, n, a->e);
}

static int
text_arg(struct act *a, const char *field, size_t max, const char **out)
{
    if (jv_str(a->args, field, JV_REQUIRED, max, out, a->e) < 0)
        return -1;
    json_object_set_new(a->payload, field, json_string(*out));
    return 0;
}

/* The active lead assignment. 1 found, 0 none. */
static int
lead_assignment(struct act *a, int64_t *aid, int64_t *unit_id)
{
    struct db_stmt *st;
    int rc;

    st = db_query(a->db, a->e,
                  "SELECT id, unit_id FROM assignments "
                  "WHERE case_id = ? AND role = 'lead' AND active = 1 "
                  "ORDER BY id DESC LIMIT 1",
                  "i", a->c->id);
    if (!st)
        return -1;
    rc = db_step(st, a->e);
    if (rc == 1) {
        *aid = db_col_int(st, 0);
        if (unit_id)
            *unit_id = db_col_int(st, 1);
    }
    db_reset(st);
    if (rc == 0)
        BUG("case %lld in status %s has no active lead",
            (long long)a->c->id, case_status_name(a->c->status));
    return rc;
}

/* The caller's own active assist/sub assignment (unsigned first). */
static int
own_assignment(struct act *a, int64_t *aid)
{
    char like[sizeof(a->u->unit_path) + 2];
    struct db_stmt *st;
    int rc;

    snprintf(like, sizeof(like), "%s%%", a->u->unit_path);
    st = db_query(a->db, a->e,
                  "SELECT a.id FROM assignments a JOIN units n ON n.id = a.unit_id "
                  "WHERE a.case_id = ? AND a.role <> 'lead' AND a.active = 1 "
                  "AND n.path LIKE ? ORDER BY a.signed_at IS NOT NULL, a.id "
                  "LIMIT 1",
                  "it", a->c->id, like);
    if (!st)
        return -1;
    rc = db_step(st, a->e);
    if (rc == 1)
        *aid = db_col_int(st, 0);
    db_reset(st);
    return rc;
}

/* A unit that can receive cases: exists, active, not the platform. */
static int
dispatchable_unit(struct act *a, const char *field, int64_t id, struct unit *out)
{
    int rc = unit_load(a->db, id, out, a->e);

    if (rc < 0)
        return rc;
    if (rc == 0 || !out->active)
        return err_set(a->e, ERR_VALIDATION, field,
                       "%s: no active unit with id %lld", field, (long long)id);
    if (strcmp(out->kind, "platform") == 0)
        return err_set(a->e, ERR_VALIDATION, field,
                       "%s: the platform does not handle cases itself", field);
    return 0;
}

static int
insert_assignment(struct act *a, int64_t unit_id, const char *role,
                  int64_t parent_id, int64_t sign_due, int64_t due,
                  const char *note, int64_t *aid)
{
    int rc = db_query_int(
        a->db, a->e, aid,
        "INSERT INTO assignments (case_id, unit_id, role, parent_id, status, "
        "active, dispatched_by, dispatched_at, sign_due_at, due_at, note) "
        "VALUES (?, ?, ?, ?, 'dispatched', 1, ?, ?, ?, ?, ?) RETURNING id",
        "iitziiiit", a->c->id, unit_id, role, parent_id, a->u->id, a->now,
        sign_due, due, note);
    return rc == 1 ? 0 : -1;
}

/* ---- notifications (notify/notify.h, docs/notifications.md) ----------
 * Citizen SMS from the editable templates, queued in the action's
 * transaction; takes params. Anonymous cases get no SMS. */
static int
queue_sms(struct act *a, const char *key, json_t *params)
{
    int rc = 0;

    if (!a->c->anonymous && a->c->citizen_phone[0])
        rc = notify_citizen(a->db, a->c->id, a->c->citizen_phone, key, params,
                            a->now, a->e);
    json_decref(params);
    return rc;
}

/* Staff alerts and the reopen message an action causes, and a nudge to the
 * tick (deadlines or statuses may have changed). */
static int
notify_after_action(struct act *a, enum case_action ca)
{
    struct db_stmt *st;
    int64_t units[CASE_MAX_ASSISTS + 2];
    char due_iso[32];
    json_t *p;
    int n = 0, i, rc;

    if (tick_touch_case(a->db, a->c->id, a->e) < 0)
        return -1;
    if (ca == CA_DISPATCH || ca == CA_SUBDISPATCH) {
        /* RULE notify-new-case: every unit that got the case just now */
        st = db_query(a->db, a->e,
                      "SELECT unit_id FROM assignments WHERE case_id = ? AND "
                      "active = 1 AND status = 'dispatched' AND "
                      "dispatched_at = ? ORDER BY id",
                      "ii", a->c->id, a->now);
        if (!st)
            return -1;
        while ((rc = db_step(st, a->e)) > 0 && n < (int)ARRAY_SIZE(units))
            units[n++] = db_col_int(st, 0);
        db_reset(st);
        if (rc < 0)
            return -1;
        for (i = 0; i < n; i++) {
            int64_t sd = 0, dd = 0;
            char sd_iso[32] = "", dd_iso[32] = "";

            st = db_query(a->db, a->e,
                          "SELECT COALESCE(sign_due_at, 0), COALESCE(due_at, 0), "
                          "(SELECT title FROM cases WHERE id = ?) FROM "
                          "assignments WHERE case_id = ? AND unit_id = ? AND "
                          "active = 1",
                          "iii", a->c->id, a->c->id, units[i]);
            if (!st)
                return -1;
            p = json_pack("{s:s}", "case_no", a->c->case_no);
            rc = db_step(st, a->e);
            if (rc == 1) {
                sd = db_col_int(st, 0);
                dd = db_col_int(st, 1);
                json_object_set_new(p, "title", json_string(db_col_text(st, 2)));
            }
            db_reset(st);
            time_deadline_text(sd, 1, sd_iso);
            time_deadline_text(dd, 1, dd_iso);
            json_object_set_new(p, "sign_deadline", json_string(sd_iso));
            json_object_set_new(p, "deadline", json_string(dd_iso));
            if (rc >= 0)
                rc = notify_unit(a->db, units[i], "new_case", a->c->id, p,
                                 a->now, a->e);
            json_decref(p);
            if (rc < 0)
                return -1;
        }
    } else if (ca == CA_URGE && a->c->lead_unit_id) {
        json_t *note = json_object_get(a->payload, "note");

        p = json_pack("{s:s, s:s}", "case_no", a->c->case_no, "note",
                      json_is_string(note) ? json_string_value(note) : "");
        rc = notify_unit(a->db, a->c->lead_unit_id, "urged", a->c->id, p,
                         a->now, a->e);
        json_decref(p);
        return rc;
    } else if (ca == CA_REOPEN) {
        int64_t due = 0;

        if (db_query_int(a->db, a->e, &due,
                         "SELECT COALESCE(due_at, 0) FROM cases WHERE id = ?",
                         "i", a->c->id) < 0)
            return -1;
        time_deadline_text(due, 0, due_iso);
        return queue_sms(a, "reopened",
                         json_pack("{s:s, s:s}", "case_no", a->c->case_no,
                                   "deadline", due_iso));
    }
    return 0;
}
/* ---- end notifications ------------------------------------------------ */

static int
act_reason_only(struct act *a)
{
    static const char *const f[] = {"reason"};
    const char *reason;

    return args_only(a, f, 1) < 0 ? -1
                                  : text_arg(a, "reason", CASE_TEXT_MAX, &reason);
}

static int
act_none(struct act *a)
{
    return args_only(a, NULL, 0);
}

static int
act_reject(struct act *a)
{
    static const char *const f[] = {"reason"};
    const char *reason;

    if (args_only(a, f, 1) < 0 || text_arg(a, "reason", CASE_TEXT_MAX, &reason) < 0)
        return -1;
    return db_exec(a->db, a->e,
                   "UPDATE cases SET reply = ?, closed_at = ? WHERE id = ?",
                   "tii", reason, a->now, a->c->id) < 0
               ? -1
               : 0;
}

static int
act_answer(struct act *a)
{
    static const char *const f[] = {"reply", "kb_article_id"};
    const char *reply;
    int64_t kb = 0;

    if (args_only(a, f, 2) < 0 || text_arg(a, "reply", CASE_REPLY_MAX, &reply) < 0 ||
        jv_int(a->args, "kb_article_id", JV_OPTIONAL, 1, INT64_MAX, &kb, a->e) < 0)
        return -1;
    if (kb)
        json_object_set_new(a->payload, "kb_article_id", json_integer(kb));
    /* knowledge base: RULE kb-cite — the cited article must be on offer;
     * its use is counted in this action's transaction (kb/kb.h). */
    if (kb && kb_article_cite(a->db, kb, a->now, a->e) < 0)
        return -1;
    return db_exec(a->db, a->e,
                   "UPDATE cases SET reply = ?, replied_at = ?, closed_at = ? "
                   "WHERE id = ?",
                   "tiii", reply, a->now, a->now, a->c->id) < 0
               ? -1
               : 0;
}

static int
act_merge(struct act *a)
{
    static const char *const f[] = {"into"};
    json_t *v = json_object_get(a->args, "into");
    int64_t into = 0;
    char ref[32], status[16] = "", into_no[24] = "";
    struct db_stmt *st;
    int rc;

    if (args_only(a, f, 1) < 0)
        return -1;
    if (json_is_integer(v))
        snprintf(ref, sizeof(ref), "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v) && json_string_length(v) < sizeof(ref))
        snprintf(ref, sizeof(ref), "%s", json_string_value(v));
    else
        return err_set(a->e, ERR_VALIDATION, "into",
                       "into: must be a case id or case number");
    rc = case_resolve(a->db, ref, &into, a->e);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        st = db_query(a->db, a->e,
                      "SELECT status, case_no FROM cases WHERE id = ?", "i", into);
        if (!st)
            return -1;
        rc = db_step(st, a->e);
        if (rc == 1) {
            snprintf(status, sizeof(status), "%s", db_col_text(st, 0));
            snprintf(into_no, sizeof(into_no), "%s", db_col_text(st, 1));
        }
        db_reset(st);
        if (rc < 0)
            return rc;
    }
    if (rc == 0)
        return err_set(a->e, ERR_VALIDATION, "into", "into: no case '%s'", ref);
    if (into == a->c->id)
        return err_set(a->e, ERR_VALIDATION, "into",
                       "into: a case cannot be merged into itself");
    if (strcmp(status, "closed") == 0 || strcmp(status, "rejected") == 0 ||
        strcmp(status, "merged") == 0)
        return err_set(a->e, ERR_VALIDATION, "into",
                       "into: case %s is %s; merge only into an open case",
                       into_no, status);
    json_object_set_new(a->payload, "into", json_string(into_no));
    if (db_exec(a->db, a->e,
                "UPDATE cases SET merged_into = ?, closed_at = ? WHERE id = ?",
                "iii", into, a->now, a->c->id) < 0)
        return -1;
    return add_event(a->db, into, a->u, "staff", "merged_in", NULL, NULL,
                     json_pack("{s:s}", "case_no", a->c->case_no), 0, a->now,
                     a->e);
}

static int
act_dispatch(struct act *a)
{
    static const char *const f[] = {"lead_unit_id", "assist_unit_ids", "note"};
    json_t *assists = json_object_get(a->args, "assist_unit_ids"), *v, *ids;
    int64_t lead_id, sign_due, due, aid, seen[CASE_MAX_ASSISTS + 1];
    const char *note = NULL;
    struct unit lead, unit;
    size_t i, j, nseen = 0;

    if (args_only(a, f, 3) < 0 ||
        jv_int(a->args, "lead_unit_id", JV_REQUIRED, 1, INT64_MAX, &lead_id,
               a->e) < 0 ||
        jv_str(a->args, "note", JV_OPTIONAL, CASE_TEXT_MAX, &note, a->e) < 0)
        return -1;
    if (assists && !json_is_null(assists) && !json_is_array(assists))
        return err_set(a->e, ERR_VALIDATION, "assist_unit_ids",
                       "assist_unit_ids: must be an array of unit ids");
    if (assists && json_is_array(assists) &&
        json_array_size(assists) > CASE_MAX_ASSISTS)
        return err_set(a->e, ERR_VALIDATION, "assist_unit_ids",
                       "assist_unit_ids: at most %d assist units",
                       CASE_MAX_ASSISTS);
    if (dispatchable_unit(a, "lead_unit_id", lead_id, &lead) < 0)
        return -1;
    seen[nseen++] = lead_id;

    /* A re-dispatch (from returned) retires every earlier assignment. */
    if (db_exec(a->db, a->e,
                "UPDATE assignments SET active = 0, status = CASE WHEN status = "
                "'returned' THEN 'returned' ELSE 'cancelled' END "
                "WHERE case_id = ? AND active = 1",
                "i", a->c->id) < 0)
        return -1;

    /* The clock starts at dispatch; the rule in force now fixes the
     * deadlines, which later rule changes never move. */
    if (deadline_for_case(a->db,
                          &(struct deadline_case){a->c->type, a->c->urgency,
                                                  a->c->category_id},
                          a->now, &sign_due, &due, a->e) < 0)
        return -1;
    if (insert_assignment(a, lead_id, "lead", 0, sign_due, due, note, &aid) < 0)
        return -1;
    ids = json_array();
    json_object_set_new(a->payload, "lead_unit_id", json_integer(lead_id));
    json_object_set_new(a->payload, "lead_unit", json_string(lead.name));
    json_object_set_new(a->payload, "assist_unit_ids", ids);
    if (note)
        json_object_set_new(a->payload, "note", json_string(note));
    json_array_foreach(assists, i, v) {
        int64_t uid;
        char field[40];

        snprintf(field, sizeof(field), "assist_unit_ids[%zu]", i);
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return err_set(a->e, ERR_VALIDATION, field, "%s: not a unit id",
                           field);
        uid = json_integer_value(v);
        for (j = 0; j < nseen; j++) {
            if (seen[j] == uid)
                return err_set(a->e, ERR_VALIDATION, field,
                               "%s: unit %lld is already on this case", field,
                               (long long)uid);
        }
        seen[nseen++] = uid;
        if (dispatchable_unit(a, field, uid, &unit) < 0 ||
            insert_assignment(a, uid, "assist", aid, sign_due, due, NULL,
                              &(int64_t){0}) < 0)
            return -1;
        json_array_append_new(ids, json_integer(uid));
    }
    return db_exec(a->db, a->e,
                   "UPDATE cases SET lead_unit_id = ?, sign_due_at = ?, "
                   "due_at = ?, dispatched_at = ? WHERE id = ?",
                   "iiiii", lead_id, sign_due, due, a->now, a->c->id) < 0
               ? -1
               : 0;
}

static int
act_sign(struct act *a)
{
    int64_t aid;
    int rc;

    if (act_none(a) < 0)
        return -1;
    if (a->t->who == WHO_LEAD)
        rc = lead_assignment(a, &aid, NULL);
    else
        rc = own_assignment(a, &aid);
    if (rc <= 0)
        return rc < 0 ? rc
                      : err_set(a->e, ERR_INVALID_TRANSITION, NULL,
                                "sign: nothing left to sign");
    json_object_set_new(a->payload, "assignment_id", json_integer(aid));
    return db_exec(a->db, a->e,
                   "UPDATE assignments SET signed_at = ?, signed_by = ?, "
                   "status = 'handling' WHERE id = ?",
                   "iii", a->now, a->u->id, aid) < 0
               ? -1
               : 0;
}

static int
act_return(struct act *a)
{
    int64_t aid;

    if (act_reason_only(a) < 0 || lead_assignment(a, &aid, NULL) <= 0)
        return -1;
    return db_exec(a->db, a->e,
                   "UPDATE assignments SET status = 'returned' WHERE id = ?",
                   "i", aid) < 0
               ? -1
               : 0;
}

static int
act_deny_return(struct act *a)
{
    int64_t aid;

    if (act_reason_only(a) < 0 || lead_assignment(a, &aid, NULL) <= 0)
        return -1;
    /* Back to the same unit with the same deadlines: it signs again. */
    return db_exec(a->db, a->e,
                   "UPDATE assignments SET status = 'dispatched', "
                   "signed_at = NULL, signed_by = NULL WHERE id = ?",
                   "i", aid) < 0
               ? -1
               : 0;
}

static int
act_subdispatch(struct act *a)
{
    static const char *const f[] = {"unit_id", "note"};
    int64_t unit_id, lead_aid, lead_unit_id, aid, sign_due, due, n;
    const char *note = NULL;
    struct unit lead, child;

    if (args_only(a, f, 2) < 0 ||
        jv_int(a->args, "unit_id", JV_REQUIRED, 1, INT64_MAX, &unit_id, a->e) <
            0 ||
        jv_str(a->args, "note", JV_OPTIONAL, CASE_TEXT_MAX, &note, a->e) < 0 ||
        lead_assignment(a, &lead_aid, &lead_unit_id) <= 0 ||
        dispatchable_unit(a, "unit_id", unit_id, &child) < 0 ||
        unit_load(a->db, lead_unit_id, &lead, a->e) <= 0)
        return -1;
    if (child.id == lead.id || !unit_path_within(child.path, lead.path))
        return err_set(a->e, ERR_VALIDATION, "unit_id",
                       "unit_id: %s is not below the lead unit %s", child.name,
                       lead.name);
    if (db_query_int(a->db, a->e, &n,
                     "SELECT COUNT(*) FROM assignments WHERE case_id = ? AND "
                     "unit_id = ? AND active = 1",
                     "ii", a->c->id, unit_id) < 0)
        return -1;
    if (n > 0)
        return err_set(a->e, ERR_CONFLICT, "unit_id",
                       "unit_id: %s already has this case", child.name);
    /* A sub-dispatch never gets more time than its parent. */
    if (deadline_for_case(a->db,
                          &(struct deadline_case){a->c->type, a->c->urgency,
                                                  a->c->category_id},
                          a->now, &sign_due, &due, a->e) < 0)
        return -1;
    if (a->c->due_at && due > a->c->due_at)
        due = a->c->due_at;
    if (sign_due > due)
        sign_due = due;
    json_object_set_new(a->payload, "unit_id", json_integer(unit_id));
    json_object_set_new(a->payload, "unit", json_string(child.name));
    if (note)
        json_object_set_new(a->payload, "note", json_string(note));
    return insert_assignment(a, unit_id, "sub", lead_aid, sign_due, due, note,
                             &aid);
}

static int
act_request_extension(struct act *a)
{
    static const char *const f[] = {"days", "reason"};
    int64_t days, aid, n;
    const char *reason;
    int rc;

    if (args_only(a, f, 2) < 0 ||
        jv_int(a->args, "days", JV_REQUIRED, 1,
               deadline_extension_max_days(), &days, a->e) < 0 ||
        text_arg(a, "reason", CASE_TEXT_MAX, &reason) < 0 ||
        lead_assignment(a, &aid, NULL) <= 0)
        return -1;
    json_object_set_new(a->payload, "days", json_integer(days));
    if (db_query_int(a->db, a->e, &n,
                     "SELECT COUNT(*) FROM extensions WHERE case_id = ?", "i",
                     a->c->id) < 0)
        return -1;
    if (n >= deadline_extension_max_count())
        return err_set(a->e, ERR_INVALID_TRANSITION, NULL,
                       "request_extension: at most %d extension requests per "
                       "case",
                       deadline_extension_max_count());
    if (db_query_int(a->db, a->e, &n,
                     "SELECT COUNT(*) FROM extensions WHERE case_id = ? AND "
                     "status = 'pending'",
                     "i", a->c->id) < 0)
        return -1;
    if (n > 0)
        return err_set(a->e, ERR_CONFLICT, NULL,
                       "request_extension: a request is already pending");
    /* RULE extension-2wd: filed while at least 2 working days remain
     * before the current deadline (deadline/rules.h). */
    rc = deadline_extension_in_time(a->db, a->c->due_at, a->now, a->e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(a->e, ERR_INVALID_TRANSITION, NULL,
                       "request_extension: must be filed while at least %d "
                       "working days remain before the deadline",
                       DEADLINE_EXTENSION_LEAD_WD);
    return db_exec(a->db, a->e,
                   "INSERT INTO extensions (case_id, assignment_id, days, reason, "
                   "requested_by, requested_at, old_due_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   "iiitiii", a->c->id, aid, days, reason, a->u->id, a->now,
                   a->c->due_at) < 0
               ? -1
               : 0;
}

static int
act_decide_extension(struct act *a)
{
    static const char *const f[] = {"extension_id", "approve", "note"};
    int64_t ext_id, days = 0, new_due = 0;
    const char *note = NULL, *status = "";
    char reason[CASE_TEXT_MAX * 4 + 1] = "", due_iso[32], sms[1024];
    struct db_stmt *st;
    int approve, rc;

    if (args_only(a, f, 3) < 0 ||
        jv_int(a->args, "extension_id", JV_REQUIRED, 1, INT64_MAX, &ext_id,
               a->e) < 0 ||
        jv_bool(a->args, "approve", JV_REQUIRED, &approve, a->e) < 0 ||
        jv_str(a->args, "note", JV_OPTIONAL, CASE_TEXT_MAX, &note, a->e) < 0)
        return -1;
    st = db_query(a->db, a->e,
                  "SELECT status, days, reason FROM extensions "
                  "WHERE id = ? AND case_id = ?",
                  "ii", ext_id, a->c->id);
    if (!st)
        return -1;
    rc = db_step(st, a->e);
    if (rc == 1) {
        status = strcmp(db_col_text(st, 0), "pending") == 0 ? "pending" : "done";
        days = db_col_int(st, 1);
        snprintf(reason, sizeof(reason), "%s", db_col_text(st, 2));
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(a->e, ERR_VALIDATION, "extension_id",
                       "extension_id: no extension %lld on this case",
                       (long long)ext_id);
    if (strcmp(status, "pending") != 0)
        return err_set(a->e, ERR_CONFLICT, "extension_id",
                       "extension_id: already decided");
    json_object_set_new(a->payload, "extension_id", json_integer(ext_id));
    json_object_set_new(a->payload, "approve", json_boolean(approve));
    json_object_set_new(a->payload, "days", json_integer(days));
    json_object_set_new(a->payload, "reason", json_string(reason));
    if (note)
        json_object_set_new(a->payload, "note", json_string(note));
    /* The deadline moves by `days` working days (deadline/rules.h). */
    if (approve && deadline_extend(a->db, a->c->due_at, (int)days, &new_due,
                                   a->e) < 0)
        return -1;
    if (db_exec(a->db, a->e,
                "UPDATE extensions SET status = ?, decided_by = ?, decided_at = ?, "
                "decision_note = ?, new_due_at = ? WHERE id = ?",
                "tiitzi", approve ? "approved" : "denied", a->u->id, a->now,
                note, new_due, ext_id) < 0)
        return -1;
    if (!approve)
        return 0;
    time_iso(new_due, due_iso);
    json_object_set_new(a->payload, "new_deadline", json_string(due_iso));
    if (db_exec(a->db, a->e,
                "UPDATE assignments SET due_at = ? WHERE case_id = ? AND "
                "active = 1 AND role IN ('lead', 'assist')",
                "ii", new_due, a->c->id) < 0 ||
        db_exec(a->db, a->e,
                "UPDATE cases SET due_at = ?, extension_count = "
                "extension_count + 1 WHERE id = ?",
                "ii", new_due, a->c->id) < 0)
        return -1;
    /* The citizen is told the new deadline and why (template
     * extension_approved, notify/template.c). */
    snprintf(sms, sizeof(sms), "%.*s",
             (int)utf8_prefix(reason, strlen(reason), SMS_REASON_CHARS), reason);
    time_deadline_text(new_due, 0, due_iso);
    return queue_sms(a, "extension_approved",
                     json_pack("{s:s, s:s, s:s}", "case_no", a->c->case_no,
                               "deadline", due_iso, "reason", sms));
}

static int
act_reply(struct act *a)
{
    static const char *const f[] = {"reply", "internal_note", "contacted",
                                    "resolved"};
    const char *reply, *note = NULL;
    int contacted, resolved;
    int64_t aid;

    if (args_only(a, f, 4) < 0 || text_arg(a, "reply", CASE_REPLY_MAX, &reply) < 0 ||
        jv_str(a->args, "internal_note", JV_OPTIONAL, CASE_TEXT_MAX, &note,
               a->e) < 0 ||
        jv_bool(a->args, "contacted", JV_REQUIRED, &contacted, a->e) < 0 ||
        jv_bool(a->args, "resolved", JV_REQUIRED, &resolved, a->e) < 0 ||
        lead_assignment(a, &aid, NULL) <= 0)
        return -1;
    if (note)
        json_object_set_new(a->payload, "internal_note", json_string(note));
    json_object_set_new(a->payload, "contacted", json_boolean(contacted));
    json_object_set_new(a->payload, "resolved", json_boolean(resolved));
    if (db_exec(a->db, a->e,
                "UPDATE assignments SET status = 'replied', replied_at = ? "
                "WHERE id = ?",
                "ii", a->now, aid) < 0 ||
        db_exec(a->db, a->e,
                "UPDATE cases SET reply = ?, replied_at = ? WHERE id = ?",
                "tii", reply, a->now, a->c->id) < 0)
        return -1;
    return queue_sms(a, "replied",
                     json_pack("{s:s, s:s}", "case_no", a->c->case_no,
                               "query_code", a->c->query_code));
}

static int
act_opinion(struct act *a)
{
    static const char *const f[] = {"text"};
    const char *text;
    int64_t aid;
    int rc;

    if (args_only(a, f, 1) < 0 || text_arg(a, "text", CASE_TEXT_MAX, &text) < 0)
        return -1;
    rc = own_assignment(a, &aid);
    if (rc <= 0)
        return rc < 0 ? rc
                      : err_set(a->e, ERR_INVALID_TRANSITION, NULL,
                                "opinion: no active assignment of yours");
    return db_exec(a->db, a->e,
                   "UPDATE assignments SET opinion = ? WHERE id = ?", "ti",
                   text, aid) < 0
               ? -1
               : 0;
}

static int
act_review_reject(struct act *a)
{
    int64_t aid;

    if (act_reason_only(a) < 0 || lead_assignment(a, &aid, NULL) <= 0)
        return -1;
    return db_exec(a->db, a->e,
                   "UPDATE assignments SET status = 'handling', replied_at = NULL "
                   "WHERE id = ?",
                   "i", aid) < 0
               ? -1
               : 0;
}

/* A replied case closes (visit or close): the lead's assignment and the
 * case's closing time. */
static int
close_rows(struct act *a)
{
    if (db_exec(a->db, a->e,
                "UPDATE assignments SET status = 'closed' WHERE case_id = ? "
                "AND active = 1 AND role = 'lead'",
                "i", a->c->id) < 0 ||
        db_exec(a->db, a->e, "UPDATE cases SET closed_at = ? WHERE id = ?",
                "ii", a->now, a->c->id) < 0)
        return -1;
    return 0;
}

static int
act_visit(struct act *a)
{
    static const char *const f[] = {"satisfaction", "resolved", "note"};
    const char *note = NULL;
    int sat, resolved;

    if (args_only(a, f, 3) < 0 ||
        jv_enum(a->args, "satisfaction", JV_REQUIRED, case_satisfactions,
                case_nsatisfactions, &sat, a->e) < 0 ||
        jv_bool(a->args, "resolved", JV_REQUIRED, &resolved, a->e) < 0 ||
        jv_str(a->args, "note", JV_OPTIONAL, CASE_TEXT_MAX, &note, a->e) < 0)
        return -1;
    json_object_set_new(a->payload, "satisfaction",
                        json_string(case_satisfactions[sat]));
    json_object_set_new(a->payload, "resolved", json_boolean(resolved));
    if (note)
        json_object_set_new(a->payload, "note", json_string(note));
    if (db_exec(a->db, a->e,
                "INSERT INTO visits (case_id, source, satisfaction, resolved, "
                "note, by_user, at) VALUES (?, 'staff', ?, ?, ?, ?, ?)",
                "itbtii", a->c->id, case_satisfactions[sat], resolved, note,
                a->u->id, a->now) < 0)
        return -1;
    return close_rows(a);
}

static int
act_reopen(struct act *a)
{
    int64_t aid, sign_due, due;

    if (act_reason_only(a) < 0 || lead_assignment(a, &aid, NULL) <= 0)
        return -1;
    /* Same unit, a fresh deadline counted from now. */
    if (deadline_for_case(a->db,
                          &(struct deadline_case){a->c->type, a->c->urgency,
                                                  a->c->category_id},
                          a->now, &sign_due, &due, a->e) < 0)
        return -1;
    if (db_exec(a->db, a->e,
                "UPDATE assignments SET status = 'handling', replied_at = NULL, "
                "due_at = ? WHERE id = ?",
                "ii", due, aid) < 0)
        return -1;
    return db_exec(a->db, a->e,
                   "UPDATE cases SET due_at = ?, closed_at = NULL, "
                   "reopen_count = reopen_count + 1 WHERE id = ?",
                   "ii", due, a->c->id) < 0
               ? -1
               : 0;
}

static int
act_close(struct act *a)
{
    if (act_reason_only(a) < 0)
        return -1;
    return close_rows(a);
}

static int
act_note_field(struct act *a)
{
    static const char *const f[] = {"note"};
    const char *note;

    return args_only(a, f, 1) < 0 ? -1
                                   : text_arg(a, "note", CASE_TEXT_MAX, &note);
}

static int
act_text(struct act *a)
{
    static const char *const f[] = {"text"};
    const char *text;

    return args_only(a, f, 1) < 0 ? -1 : text_arg(a, "text", CASE_TEXT_MAX, &text);
}

/* One handler per action, indexed by enum case_action. */
static int (*const act_handlers[CA__COUNT])(struct act *) = {
    [CA_ACCEPT] = act_none,
    [CA_REJECT] = act_reject,
    [CA_ANSWER] = act_answer,
    [CA_MERGE] = act_merge,
    [CA_DISPATCH] = act_dispatch,
    [CA_SIGN] = act_sign,
    [CA_RETURN] = act_return,
    [CA_DENY_RETURN] = act_deny_return,
    [CA_SUBDISPATCH] = act_subdispatch,
    [CA_REQUEST_EXTENSION] = act_request_extension,
    [CA_DECIDE_EXTENSION] = act_decide_extension,
    [CA_REPLY] = act_reply,
    [CA_OPINION] = act_opinion,
    [CA_REVIEW_REJECT] = act_review_reject,
    [CA_VISIT] = act_visit,
    [CA_REOPEN] = act_reopen,
    [CA_CLOSE] = act_close,
    [CA_SUPERVISE] = act_note_field,
    [CA_URGE] = act_note_field,
    [CA_NOTE] = act_text,
};

int
case_act(struct db *db, const struct user *u, int64_t case_id,
         const char *action, json_t *args, int64_t now, struct err *e)
{
    enum case_action ca;
    struct case_row c;
    struct case_facts f;
    const struct case_transition *t = NULL;
    struct act a;
    json_t *empty = NULL, *payload = NULL;
    const char *from, *to;
    int rc;

    if (case_action_parse(action, &ca) < 0)
        return err_set(e, ERR_NOT_FOUND, NULL, "action: no action '%s'", action);
    if (db_begin(db, e) < 0)
        return -1;
    rc = case_load_facts(db, u, case_id, now, &c, &f, e);
    if (rc == 0)
        err_set(e, ERR_NOT_FOUND, NULL, "case: not found");
    if (rc <= 0)
        goto fail;
    switch (lifecycle_decide(ca, u->role, &f, &t)) {
    case LC_ALLOWED:
        break;
    case LC_UNKNOWN_ACTION:
        err_set(e, ERR_NOT_FOUND, NULL, "action: no action '%s'", action);
        goto fail;
    case LC_FORBIDDEN:
        err_set(e, ERR_FORBIDDEN, NULL,
                "%s: not allowed for role %s on this case", action,
                role_name(u->role));
        goto fail;
    case LC_INVALID_TRANSITION:
        err_set(e, ERR_INVALID_TRANSITION, NULL,
                "%s: not allowed while the case is %s", action,
                case_status_name(c.status));
        goto fail;
    }

    if (!args)
        args = empty = json_object();
    payload = json_object();
    a = (struct act){db, u, &c, t, args, payload, now, e};
    if (act_handlers[ca](&a) < 0 || notify_after_action(&a, ca) < 0)
        goto fail;
    from = case_status_name(c.status);
    to = t->to == CS_SAME ? from : case_status_name((enum case_status)t->to);
    if (db_exec(db, e, "UPDATE cases SET status = ?, updated_at = ? WHERE id = ?",
                "tii", to, now, c.id) < 0)
        goto fail;
    rc = add_event(db, c.id, u, "staff", action, from, to, payload,
                   t->public_event, now, e);
    payload = NULL; /* add_event owns it */
    /* audit (org/audit.h): the action, in the same transaction */
    if (rc == 0)
        rc = audit_record(db, u, NULL, AUDIT_CASE_ACTION, "case", c.id, c.id,
                          json_pack("{s:s, s:s, s:s}", "action", action,
                                    "from", from, "to", to),
                          now, e);
    if (rc < 0 || db_commit(db, e) < 0)
        goto fail;
    json_decref(empty);
    log_info("msg=case_action case_id=%lld action=%s from=%s to=%s user_id=%lld",
             (long long)c.id, action, from, to, (long long)u->id);
    return 0;

fail:
    json_decref(payload);
    json_decref(empty);
    db_rollback(db);
    return -1;
}

int
case_rate(struct db *db, int64_t case_id, const char *satisfaction,
          int resolved, const char *comment, int64_t now, struct err *e)
{
    struct case_row c;
    struct case_facts f;
    int64_t n;
    int rc;

    if (db_begin(db, e) < 0)
        return -1;
    rc = case_load_facts(db, NULL, case_id, now, &c, &f, e);
    if (rc == 0)
        err_set(e, ERR_NOT_FOUND, NULL, "case: not found");
    if (rc <= 0)
        goto fail;
    if (c.status != CS_REPLIED && c.status != CS_CLOSED) {
        err_set(e, ERR_INVALID_TRANSITION, NULL,
                "rating: possible once the case has a reply");
        goto fail;
    }
    if (db_query_int(db, e, &n,
                     "SELECT COUNT(*) FROM visits WHERE case_id = ? AND "
                     "source = 'citizen'",
                     "i", case_id) < 0)
        goto fail;
    if (n > 0) {
        err_set(e, ERR_CONFLICT, NULL, "rating: this case is already rated");
        goto fail;
    }
    if (db_exec(db, e,
                "INSERT INTO visits (case_id, source, satisfaction, resolved, "
                "note, at) VALUES (?, 'citizen', ?, ?, ?, ?)",
                "itbti", case_id, satisfaction, resolved, comment, now) < 0)
        goto fail;
    if (add_event(db, case_id, NULL, "citizen", "rate", NULL, NULL,
                  json_pack("{s:s, s:b}", "satisfaction", satisfaction,
                            "resolved", resolved),
                  1, now, e) < 0)
        goto fail;
    /* audit (org/audit.h): the citizen's rating, in the same transaction */
    if (audit_record(db, NULL, NULL, AUDIT_CASE_ACTION, "case", case_id,
                     case_id, json_pack("{s:s}", "action", "rate"), now, e) < 0)
        goto fail;
    return db_commit(db, e);

fail:
    db_rollback(db);
    return -1;
}
