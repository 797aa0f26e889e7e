/* view.c — cases as JSON. Personal data is masked here and only here:
 * lists always mask the phone; a confidential reporter is 保密 to units;
 * leaders read aggregates, so they get masked phones on details too. */
#include "common.h"

#include <stdio.h>

#include "cases/lifecycle.h"
#include "cases/rules.h"
#include "cases/store.h"
#include "cases/view.h"
#include "text/search.h" /* search: q */
#include "org/audit.h"
#include "org/org.h"
#include "util/buf.h"
#include "util/intern.h"
#include "util/jsonv.h"
#include "util/utf8.h"

#define SECRET "保密"
#define MAX_BINDS 40

/* ---- helpers ------------------------------------------------------------ */

static json_t *
str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *
int_or_null(int64_t v)
{
    return v ? json_integer(v) : json_null();
}

/* Bindings collected while a query is assembled, applied in order. */
struct binds {
    int n;
    char type[MAX_BINDS];
    int64_t i[MAX_BINDS];
    const char *t[MAX_BINDS];
};

static void
bind_i(struct binds *b, int64_t v)
{
    if (b->n == MAX_BINDS)
        BUG("too many bindings");
    b->type[b->n] = 'i';
    b->i[b->n++] = v;
}

static void
bind_t(struct binds *b, const char *v)
{
    if (b->n == MAX_BINDS)
        BUG("too many bindings");
    b->type[b->n] = 't';
    b->t[b->n++] = v;
}

static void
binds_apply(struct db_stmt *st, const struct binds *b)
{
    for (int k = 0; k < b->n; k++) {
        if (b->type[k] == 'i')
            db_bind_int(st, k + 1, b->i[k]);
        else
            db_bind_text(st, k + 1, b->t[k]);
    }
}

/* Prepares an assembled query: the text is made only of fixed fragments, so
 * interning it bounds the number of shapes (see util/intern.h). */
static struct db_stmt *
prepare_built(struct db *db, struct buf *sql, const struct binds *b,
              struct err *e)
{
    struct db_stmt *st;

    if (sql->failed) {
        err_set(e, ERR_INTERNAL, NULL, "query text too long");
        return NULL;
    }
    st = db_prepare(db, intern(sql->data), e);
    if (st)
        binds_apply(st, b);
    return st;
}

/* ---- privacy (docs/authorization.md) ----------------------------------- */

/* RULE privacy-confidential: a confidential reporter's name, phone and
 * address are withheld (保密) from unit roles and from leaders. */
static int
identity_withheld(const struct user *u, int confidential)
{
    return confidential &&
           (!case_user_sees_all(u) || u->role == ROLE_LEADER);
}

/* RULE privacy-leader-masked: leaders read aggregates, not identities: they
 * get masked names and phones even on a case detail. RULE
 * privacy-list-masked: lists mask the phone for everyone. The full phone is
 * only on a detail, for agents, dispatchers, supervisors, admins and the
 * handling units. */
static int
identity_in_full(const struct user *u, int detail)
{
    return detail && u->role != ROLE_LEADER;
}

/* "张**": the first character, then one star per further character. */
static void
mask_name(const char *name, char *out, size_t n)
{
    size_t len = strlen(name), first = utf8_prefix(name, len, 1);
    size_t rest = utf8_chars(name + first, len - first), k;

    snprintf(out, n, "%.*s", (int)first, name);
    k = strlen(out);
    for (size_t i = 0; i < (rest ? rest : 1) && k + 1 < n; i++)
        out[k++] = '*';
    out[k] = '\0';
}

static json_t *
citizen_json(const struct user *u, int detail, const char *name,
             const char *phone, int anonymous, int confidential)
{
    char masked[32], masked_name[64];
    json_t *j;

    if (identity_withheld(u, confidential)) {
        j = json_pack("{s:s, s:s}", "name", SECRET, "phone", SECRET);
    } else {
        int full = identity_in_full(u, detail);
        if (phone && !full)
            log_mask_phone(phone, masked);
        if (name && !anonymous && u->role == ROLE_LEADER) {
            mask_name(name, masked_name, sizeof(masked_name));
            name = masked_name;
        }
        j = json_pack("{s:o, s:o}", "name",
                      str_or_null(anonymous ? NULL : name), "phone",
                      str_or_null(phone ? (full ? phone : masked) : NULL));
    }
    if (detail) {
        json_object_set_new(j, "anonymous", json_boolean(anonymous));
        json_object_set_new(j, "confidential", json_boolean(confidential));
    }
    return j;
}

#define LIST_COLUMNS                                                           \
    "c.id, c.case_no, c.status, c.type, c.urgency, c.title, c.channel, "       \
    "COALESCE(cat.id, 0), cat.code, cat.name, c.district_code, d.name, "       \
    "COALESCE(c.lead_unit_id, 0), lu.name, c.citizen_name, c.citizen_phone, "  \
    "c.anonymous, c.confidential, c.created_at, COALESCE(c.sign_due_at, 0), "  \
    "COALESCE(c.due_at, 0)"
#define LIST_JOINS                                                             \
    " FROM cases c LEFT JOIN categories cat ON cat.id = c.category_id "        \
    "LEFT JOIN districts d ON d.code = c.district_code "                       \
    "LEFT JOIN units lu ON lu.id = c.lead_unit_id "
#define LIST_NCOLS 21

static json_t *
list_item(struct db_stmt *st, const struct user *u, int detail, int64_t now)
{
    const char *status = db_col_text(st, 2);
    json_t *j;

    j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                  (json_int_t)db_col_int(st, 0), "case_no", db_col_text(st, 1),
                  "status", status, "type", db_col_text(st, 3), "urgency",
                  db_col_text(st, 4), "title", db_col_text(st, 5), "channel",
                  db_col_text(st, 6));
    json_object_set_new(
        j, "category",
        db_col_int(st, 7)
            ? json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(st, 7),
                        "code", db_col_text(st, 8), "name", db_col_text(st, 9))
            : json_null());
    json_object_set_new(
        j, "district",
        db_col_text(st, 10)
            ? json_pack("{s:s, s:s?}", "code", db_col_text(st, 10), "name",
                        db_col_text(st, 11))
            : json_null());
    json_object_set_new(
        j, "lead_unit",
        db_col_int(st, 12)
            ? json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 12),
                        "name", db_col_text(st, 13))
            : json_null());
    json_object_set_new(j, "citizen",
                        citizen_json(u, detail, db_col_text(st, 14),
                                     db_col_text(st, 15),
                                     (int)db_col_int(st, 16),
                                     (int)db_col_int(st, 17)));
    json_object_set_new(j, "created_at", jv_time_json(db_col_int(st, 18)));
    json_object_set_new(j, "sign_deadline", jv_time_json(db_col_int(st, 19)));
    json_object_set_new(j, "deadline", jv_time_json(db_col_int(st, 20)));
    json_object_set_new(j, "warning",
                        json_string(case_warning(status, db_col_int(st, 19),
                                                 db_col_int(st, 20), now)));
    return j;
}

/* ---- list --------------------------------------------------------------- */

/* WHERE clause of a filter, shared by the page and the count. */
static int
build_where(struct db *db, const struct user *u, const struct case_filter *f,
            int64_t now, struct buf *sql, struct binds *b, char *like_q,
            size_t like_q_len, char *scope, size_t scope_len, char *unit_like,
            size_t unit_like_len, char *cat_like, size_t cat_like_len,
            struct err *e)
{
    buf_adds(sql, " WHERE 1 = 1");
    if (!case_user_sees_all(u)) {
        snprintf(scope, scope_len, "%s%%", u->unit_path);
        /* Driven from the unit's assignments (index assignments_unit), so
         * the cost follows the unit's caseload, not the city's. */
        buf_adds(sql, " AND c.id IN (SELECT a.case_id FROM assignments a "
                      "WHERE a.active = 1 AND a.unit_id IN "
                      "(SELECT id FROM units WHERE path LIKE ?))");
        bind_t(b, scope);
    }
    if (f->nstatuses > 0) {
        buf_adds(sql, " AND c.status IN (");
        for (int k = 0; k < f->nstatuses; k++) {
            buf_adds(sql, k ? ", ?" : "?");
            bind_t(b, f->statuses[k]);
        }
        buf_adds(sql, ")");
    }
    if (f->type) {
        buf_adds(sql, " AND c.type = ?");
        bind_t(b, f->type);
    }
    if (f->channel) {
        buf_adds(sql, " AND c.channel = ?");
        bind_t(b, f->channel);
    }
    if (f->urgency) {
        buf_adds(sql, " AND c.urgency = ?");
        bind_t(b, f->urgency);
    }
    if (f->category_code) {
        snprintf(cat_like, cat_like_len, "%s%%", f->category_code);
        buf_adds(sql, " AND c.category_id IN (SELECT id FROM categories "
                      "WHERE code LIKE ?)");
        bind_t(b, cat_like);
    }
    if (f->unit_id) {
        struct unit unit;
        int rc = unit_load(db, f->unit_id, &unit, e);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return err_set(e, ERR_VALIDATION, "unit_id", "unit_id: no unit %lld",
                           (long long)f->unit_id);
        snprintf(unit_like, unit_like_len, "%s%%", unit.path);
        buf_adds(sql, " AND c.lead_unit_id IN (SELECT id FROM units "
                      "WHERE path LIKE ?)");
        bind_t(b, unit_like);
    }
    if (f->district_code) {
        buf_adds(sql, " AND (c.district_code = ? OR c.district_code IN "
                      "(SELECT code FROM districts WHERE parent_code = ?))");
        bind_t(b, f->district_code);
        bind_t(b, f->district_code);
    }
    if (f->warning && strcmp(f->warning, "red") == 0) {
        buf_adds(sql, " AND c.status IN ('dispatched', 'handling') AND "
                      "(c.due_at < ? OR (c.status = 'dispatched' AND "
                      "c.sign_due_at < ?))");
        bind_i(b, now);
        bind_i(b, now);
    } else if (f->warning) {
        buf_adds(sql, " AND c.status IN ('dispatched', 'handling') AND "
                      "c.due_at >= ? AND c.due_at <= ? AND NOT "
                      "(c.status = 'dispatched' AND c.sign_due_at < ?)");
        bind_i(b, now);
        bind_i(b, now + CASE_YELLOW_SECONDS);
        bind_i(b, now);
    }
    if (f->q) {
        /* search: q is matched through the full-text index (text/search.h);
         * like_q holds the FTS5 expression. */
        struct buf m;
        int rc;

        buf_init(&m, like_q_len - 1);
        rc = search_match_expr(f->q, SEARCH_ALL, &m, e);
        if (rc == 0)
            snprintf(like_q, like_q_len, "%s", m.data);
        buf_release(&m);
        if (rc < 0)
            return rc;
        buf_adds(sql, " AND c.id IN (SELECT rowid FROM search_cases "
                      "WHERE search_cases MATCH ?)");
        bind_t(b, like_q);
    }
    if (f->from) {
        buf_adds(sql, " AND c.created_at >= ?");
        bind_i(b, f->from);
    }
    if (f->to) {
        buf_adds(sql, " AND c.created_at < ?");
        bind_i(b, f->to);
    }
    if (f->created_by) {
        buf_adds(sql, " AND c.created_by = ?");
        bind_i(b, f->created_by);
    }
    if (f->phone) {
        buf_adds(sql, " AND c.citizen_phone = ?");
        bind_t(b, f->phone);
    }
    return 0;
}

/* search: RULE search-fast-path — q alone, seen by a role that sees every
 * case, in relevance order, on a page inside the ranked candidates: the
 * index answers both the count and the page's ids, and only the page's
 * cases are read. Joining every match against cases (the general path)
 * costs ~0.7 s for a common word over 1 M cases (bench/README.md).
 * Returns 1 when the general path must answer. */
static int
case_list_search(struct db *db, const struct user *u,
                 const struct case_filter *f, int64_t now, json_t **out,
                 struct err *e)
{
    struct search_hit *hits = NULL;
    int64_t total = 0, want = f->page * f->per_page;
    json_t *items = NULL;
    int n = 0, rc;

    if (!f->q || f->sort || !case_user_sees_all(u) || f->nstatuses ||
        f->type || f->channel || f->urgency || f->category_code ||
        f->unit_id || f->district_code || f->warning || f->from || f->to ||
        f->created_by || f->phone || want > SEARCH_CANDIDATES)
        return 1;
    if (search_count(db, SEARCH_CASES, f->q, &total, e) < 0)
        return -1;
    hits = xcalloc((size_t)want, sizeof(*hits));
    rc = search_query(db, SEARCH_CASES, f->q, SEARCH_ALL, hits, (int)want, &n,
                      e);
    if (rc < 0)
        goto out;
    rc = 1;
    if (n < want && total > n)
        goto out; /* the page reaches the unranked older matches */
    items = json_array();
    for (int64_t k = (f->page - 1) * f->per_page; k < n; k++) {
        struct db_stmt *st = db_query(db, e,
                                      "SELECT " LIST_COLUMNS LIST_JOINS
                                      "WHERE c.id = ?",
                                      "i", hits[k].id);

        if (!st) {
            rc = -1;
            goto out;
        }
        rc = db_step(st, e);
        if (rc > 0)
            json_array_append_new(items, list_item(st, u, 0, now));
        db_reset(st);
        if (rc < 0)
            goto out;
    }
    *out = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
                     (json_int_t)total, "page", (json_int_t)f->page,
                     "per_page", (json_int_t)f->per_page);
    items = NULL;
    rc = 0;
out:
    json_decref(items);
    free(hits);
    return rc;
}

int
case_list(struct db *db, const struct user *u, const struct case_filter *f,
          int64_t now, json_t **out, struct err *e)
{
    struct buf sql, count_sql;
    struct binds b = {0};
    struct db_stmt *st;
    char like_q[4096], scope[300], unit_like[300], cat_like[32];
    int64_t total = 0;
    json_t *items = NULL;
    int rc = -1;

    rc = case_list_search(db, u, f, now, out, e); /* search */
    if (rc != 1)
        return rc;
    rc = -1;
    buf_init(&sql, 8192);
    buf_init(&count_sql, 8192);
    buf_adds(&count_sql, "SELECT COUNT(*) FROM cases c");
    if (build_where(db, u, f, now, &count_sql, &b, like_q, sizeof(like_q),
                    scope, sizeof(scope), unit_like, sizeof(unit_like),
                    cat_like, sizeof(cat_like), e) < 0)
        goto out;
    st = prepare_built(db, &count_sql, &b, e);
    if (!st)
        goto out;
    rc = db_step(st, e);
    if (rc == 1)
        total = db_col_int(st, 0);
    db_reset(st);
    if (rc < 0)
        goto out;

    buf_adds(&sql, "SELECT " LIST_COLUMNS LIST_JOINS);
    buf_add(&sql, count_sql.data + strlen("SELECT COUNT(*) FROM cases c"),
            count_sql.len - strlen("SELECT COUNT(*) FROM cases c"));
    if (f->q && !f->sort) {
        /* search: RULE search-relevance — with q and no sort, best first:
         * bm25 over the newest 500 matches (ranking every hit of a common
         * word costs 0.5-0.8 s over 1 M cases, DESIGN.md §8), then the
         * older matches; ties and the rest newest first. */
        buf_adds(&sql, " ORDER BY COALESCE((SELECT s.score FROM (SELECT "
                       "rowid AS sid, bm25(search_cases) AS score FROM "
                       "search_cases WHERE search_cases MATCH ? ORDER BY "
                       "rowid DESC LIMIT 500) s WHERE s.sid = c.id), 1e9), "
                       "c.created_at DESC, c.id DESC");
        bind_t(&b, like_q);
    } else if (!f->sort || strcmp(f->sort, "-created_at") == 0)
        buf_adds(&sql, " ORDER BY c.created_at DESC, c.id DESC");
    else if (strcmp(f->sort, "created_at") == 0)
        buf_adds(&sql, " ORDER BY c.created_at, c.id");
    else if (strcmp(f->sort, "deadline") == 0)
        buf_adds(&sql, " ORDER BY c.due_at IS NULL, c.due_at, c.id");
    else
        buf_adds(&sql, " ORDER BY c.due_at IS NULL, c.due_at DESC, c.id DESC");
    buf_adds(&sql, " LIMIT ? OFFSET ?");
    bind_i(&b, f->per_page);
    bind_i(&b, (f->page - 1) * f->per_page);
    st = prepare_built(db, &sql, &b, e);
    if (!st) {
        rc = -1;
        goto out;
    }
    items = json_array();
    while ((rc = db_step(st, e)) > 0)
        json_array_append_new(items, list_item(st, u, 0, now));
    db_reset(st);
    if (rc < 0)
        goto out;
    *out = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
                     (json_int_t)total, "page", (json_int_t)f->page,
                     "per_page", (json_int_t)f->per_page);
    items = NULL;
    rc = 0;
out:
    json_decref(items);
    buf_release(&sql);
    buf_release(&count_sql);
    return rc;
}

/* ---- detail ------------------------------------------------------------- */

static int
add_assignments(struct db *db, int64_t id, json_t *j, struct err *e)
{
    struct db_stmt *st;
    json_t *arr = json_array();
    int rc;

    json_object_set_new(j, "assignments", arr);
    st = db_query(db, e,
                  "SELECT a.id, a.unit_id, n.name, a.role, "
                  "COALESCE(a.parent_id, 0), a.status, a.active, "
                  "a.dispatched_at, COALESCE(a.sign_due_at, 0), "
                  "COALESCE(a.due_at, 0), COALESCE(a.signed_at, 0), "
                  "COALESCE(a.replied_at, 0), a.note, a.opinion "
                  "FROM assignments a JOIN units n ON n.id = a.unit_id "
                  "WHERE a.case_id = ? ORDER BY a.id",
                  "i", id);
    if (!st)
        return -1;
    while ((rc = db_step(st, e)) > 0) {
        json_t *a = json_pack(
            "{s:I, s:{s:I, s:s}, s:s, s:o, s:s, s:b}", "id",
            (json_int_t)db_col_int(st, 0), "unit", "id",
            (json_int_t)db_col_int(st, 1), "name", db_col_text(st, 2), "role",
            db_col_text(st, 3), "parent_id", int_or_null(db_col_int(st, 4)),
            "status", db_col_text(st, 5), "active", (int)db_col_int(st, 6));
        json_object_set_new(a, "dispatched_at", jv_time_json(db_col_int(st, 7)));
        json_object_set_new(a, "sign_deadline", jv_time_json(db_col_int(st, 8)));
        json_object_set_new(a, "deadline", jv_time_json(db_col_int(st, 9)));
        json_object_set_new(a, "signed_at", jv_time_json(db_col_int(st, 10)));
        json_object_set_new(a, "replied_at", jv_time_json(db_col_int(st, 11)));
        json_object_set_new(a, "note", str_or_null(db_col_text(st, 12)));
        json_object_set_new(a, "opinion", str_or_null(db_col_text(st, 13)));
        json_array_append_new(arr, a);
    }
    db_reset(st);
    return rc;
}

static int
add_events(struct db *db, int64_t id, json_t *j, struct err *e)
{
    struct db_stmt *st;
    json_t *arr = json_array();
    int rc;

    json_object_set_new(j, "events", arr);
    st = db_query(db, e,
                  "SELECT ev.id, ev.at, ev.action, ev.from_status, ev.to_status, "
                  "COALESCE(ev.actor_id, 0), us.name, un.name, ev.actor_kind, "
                  "ev.payload FROM case_events ev "
                  "LEFT JOIN users us ON us.id = ev.actor_id "
                  "LEFT JOIN units un ON un.id = ev.actor_unit_id "
                  "WHERE ev.case_id = ? ORDER BY ev.id",
                  "i", id);
    if (!st)
        return -1;
    while ((rc = db_step(st, e)) > 0) {
        const char *payload = db_col_text(st, 9);
        json_t *p = payload ? json_loads(payload, 0, NULL) : NULL;
        json_t *ev = json_pack("{s:I, s:o, s:s, s:o, s:o, s:s, s:o}", "id",
                               (json_int_t)db_col_int(st, 0), "at",
                               jv_time_json(db_col_int(st, 1)), "action",
                               db_col_text(st, 2), "from_status",
                               str_or_null(db_col_text(st, 3)), "to_status",
                               str_or_null(db_col_text(st, 4)), "actor_kind",
                               db_col_text(st, 8), "payload",
                               p ? p : json_object());
        json_object_set_new(
            ev, "actor",
            db_col_int(st, 5)
                ? json_pack("{s:I, s:s?, s:s?}", "id",
                            (json_int_t)db_col_int(st, 5), "name",
                            db_col_text(st, 6), "unit_name", db_col_text(st, 7))
                : json_null());
        json_array_append_new(arr, ev);
    }
    db_reset(st);
    return rc;
}

static int
add_extensions(struct db *db, int64_t id, json_t *j, struct err *e)
{
    struct db_stmt *st;
    json_t *arr = json_array();
    int rc;

    json_object_set_new(j, "extensions", arr);
    st = db_query(db, e,
                  "SELECT x.id, x.days, x.reason, x.status, x.requested_at, "
                  "COALESCE(x.requested_by, 0), us.name, "
                  "COALESCE(x.decided_at, 0), x.decision_note, "
                  "COALESCE(x.old_due_at, 0), COALESCE(x.new_due_at, 0) "
                  "FROM extensions x LEFT JOIN users us ON us.id = x.requested_by "
                  "WHERE x.case_id = ? ORDER BY x.id",
                  "i", id);
    if (!st)
        return -1;
    while ((rc = db_step(st, e)) > 0) {
        json_t *x = json_pack("{s:I, s:I, s:s, s:s, s:o, s:{s:I, s:s?}}", "id",
                              (json_int_t)db_col_int(st, 0), "days",
                              (json_int_t)db_col_int(st, 1), "reason",
                              db_col_text(st, 2), "status", db_col_text(st, 3),
                              "requested_at", jv_time_json(db_col_int(st, 4)),
                              "requested_by", "id",
                              (json_int_t)db_col_int(st, 5), "name",
                              db_col_text(st, 6));
        json_object_set_new(x, "decided_at", jv_time_json(db_col_int(st, 7)));
        json_object_set_new(x, "decision_note", str_or_null(db_col_text(st, 8)));
        json_object_set_new(x, "old_deadline", jv_time_json(db_col_int(st, 9)));
        json_object_set_new(x, "new_deadline", jv_time_json(db_col_int(st, 10)));
        json_array_append_new(arr, x);
    }
    db_reset(st);
    return rc;
}

/* Visits: staff 回访 and citizen ratings, oldest first. */
static json_t *
visits_json(struct db *db, int64_t id, const char *source, struct err *e)
{
    struct db_stmt *st;
    json_t *arr = json_array();
    int rc;

    st = db_query(db, e,
                  "SELECT id, source, satisfaction, resolved, note, at "
                  "FROM visits WHERE case_id = ? AND (CAST(? AS TEXT) IS NULL OR source = ?) "
                  "ORDER BY id",
                  "itt", id, source, source);
    if (!st) {
        json_decref(arr);
        return NULL;
    }
    while ((rc = db_step(st, e)) > 0) {
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:s, s:b, s:o, s:o}", "id",
                           (json_int_t)db_col_int(st, 0), "source",
                           db_col_text(st, 1), "satisfaction",
                           db_col_text(st, 2), "resolved",
                           (int)db_col_int(st, 3), "note",
                           str_or_null(db_col_text(st, 4)), "at",
                           jv_time_json(db_col_int(st, 5))));
    }
    db_reset(st);
    if (rc < 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static json_t *
actions_json(const struct user *u, const struct case_facts *f)
{
    uint32_t mask = lifecycle_available(u->role, f);
    json_t *arr = json_array();

    for (int a = 0; a < CA__COUNT; a++) {
        if (mask & (1u << a))
            json_array_append_new(arr,
                                  json_string(case_action_name((enum case_action)a)));
    }
    return arr;
}

/* The personal fields a detail shows in full (["name", "phone", "address"]),
 * or NULL when it shows no identity in full (masked, withheld, anonymous
 * without a phone). */
static json_t *
personal_fields_shown(const struct user *u, struct db_stmt *st,
                      int hide_address, int address_col)
{
    const char *name = db_col_text(st, 14), *phone = db_col_text(st, 15);
    int anonymous = (int)db_col_int(st, 16);
    json_t *fields;

    if (hide_address || !identity_in_full(u, 1))
        return NULL;
    fields = json_array();
    if (name && *name && !anonymous)
        json_array_append_new(fields, json_string("name"));
    if (phone && *phone)
        json_array_append_new(fields, json_string("phone"));
    if (json_array_size(fields) == 0) {
        json_decref(fields);
        return NULL;
    }
    if (db_col_text(st, address_col))
        json_array_append_new(fields, json_string("address"));
    return fields;
}

int
case_detail(struct db *db, const struct user *u, int64_t id, int64_t now,
            int audit_view, json_t **out, struct err *e)
{
    struct case_row row;
    struct case_facts f;
    struct db_stmt *st;
    json_t *j = NULL, *visits, *seen = NULL;
    int rc, hide_address;

    rc = case_load_facts(db, u, id, now, &row, &f, e);
    if (rc <= 0)
        return rc;
    st = db_query(db, e,
                  "SELECT " LIST_COLUMNS ", c.content, c.address, c.lat, c.lng, "
                  "c.query_code, c.reply, COALESCE(c.replied_at, 0), "
                  "COALESCE(c.closed_at, 0), COALESCE(c.dispatched_at, 0), "
                  "COALESCE(c.merged_into, 0), m.case_no, c.extension_count "
                  LIST_JOINS "LEFT JOIN cases m ON m.id = c.merged_into "
                  "WHERE c.id = ?",
                  "i", id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        int n = LIST_NCOLS;
        j = list_item(st, u, 1, now);
        hide_address = identity_withheld(u, (int)db_col_int(st, 17));
        seen = personal_fields_shown(u, st, hide_address, n + 1);
        json_object_set_new(j, "content", json_string(db_col_text(st, n)));
        json_object_set_new(j, "address",
                            hide_address ? json_null()
                                         : str_or_null(db_col_text(st, n + 1)));
        json_object_set_new(j, "lat",
                            db_col_is_null(st, n + 2) || hide_address
                                ? json_null()
                                : json_real(db_col_double(st, n + 2)));
        json_object_set_new(j, "lng",
                            db_col_is_null(st, n + 3) || hide_address
                                ? json_null()
                                : json_real(db_col_double(st, n + 3)));
        if (case_user_sees_all(u))
            json_object_set_new(j, "query_code",
                                json_string(db_col_text(st, n + 4)));
        json_object_set_new(j, "reply", str_or_null(db_col_text(st, n + 5)));
        json_object_set_new(j, "replied_at", jv_time_json(db_col_int(st, n + 6)));
        json_object_set_new(j, "closed_at", jv_time_json(db_col_int(st, n + 7)));
        json_object_set_new(j, "dispatched_at",
                            jv_time_json(db_col_int(st, n + 8)));
        json_object_set_new(
            j, "merged_into",
            db_col_int(st, n + 9)
                ? json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, n + 9),
                            "case_no", db_col_text(st, n + 10))
                : json_null());
        json_object_set_new(j, "extension_count",
                            json_integer(db_col_int(st, n + 11)));
    }
    db_reset(st);
    if (rc <= 0)
        return rc;

    if (add_assignments(db, id, j, e) < 0 || add_events(db, id, j, e) < 0 ||
        add_extensions(db, id, j, e) < 0)
        goto fail;
    visits = visits_json(db, id, NULL, e);
    if (!visits)
        goto fail;
    /* API.md's `visit`: the platform's latest 回访, or null. */
    for (size_t k = json_array_size(visits); k-- > 0;) {
        json_t *v = json_array_get(visits, k);
        if (strcmp(json_string_value(json_object_get(v, "source")), "staff") == 0) {
            json_object_set(j, "visit", v);
            break;
        }
    }
    if (!json_object_get(j, "visit"))
        json_object_set_new(j, "visit", json_null());
    json_object_set_new(j, "visits", visits);
    json_object_set_new(j, "attachments", json_array());
    json_object_set_new(j, "actions", actions_json(u, &f));
    /* RULE audit-personal-data-view: who saw a citizen's full identity, when,
     * which case, from where — recorded before the data leaves. */
    if (seen && audit_view) {
        rc = audit_write(db, u, NULL, AUDIT_PERSONAL_DATA_VIEW, "case", id, id,
                         json_pack("{s:O}", "fields", seen), now, e);
        json_decref(seen);
        seen = NULL;
        if (rc < 0)
            goto fail;
    }
    json_decref(seen);
    *out = j;
    return 1;

fail:
    json_decref(seen);
    json_decref(j);
    return -1;
}

/* ---- the citizen's view ----------------------------------------------- */

int
case_public_view(struct db *db, int64_t id, int64_t now, json_t **out,
                 struct err *e)
{
    struct db_stmt *st;
    json_t *j = NULL, *timeline, *ratings;
    const char *status;
    int rc;

    (void)now;
    st = db_query(db, e,
                  "SELECT case_no, status, type, title, content, created_at, "
                  "COALESCE(due_at, 0), reply, COALESCE(replied_at, 0), "
                  "COALESCE(closed_at, 0) FROM cases WHERE id = ?",
                  "i", id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        status = db_col_text(st, 1);
        j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "case_no", db_col_text(st, 0),
                      "status", status, "type", db_col_text(st, 2), "title",
                      db_col_text(st, 3), "content", db_col_text(st, 4));
        json_object_set_new(j, "created_at", jv_time_json(db_col_int(st, 5)));
        json_object_set_new(j, "deadline", jv_time_json(db_col_int(st, 6)));
        json_object_set_new(j, "reply", str_or_null(db_col_text(st, 7)));
        json_object_set_new(j, "replied_at", jv_time_json(db_col_int(st, 8)));
        json_object_set_new(j, "closed_at", jv_time_json(db_col_int(st, 9)));
        json_object_set_new(j, "can_rate",
                            json_boolean(strcmp(status, "replied") == 0 ||
                                         strcmp(status, "closed") == 0));
    }
    db_reset(st);
    if (rc <= 0)
        return rc;

    /* Public events only, with no names: which unit handles a case is the
     * platform's business; the citizen sees what happened and when. */
    timeline = json_array();
    json_object_set_new(j, "timeline", timeline);
    st = db_query(db, e,
                  "SELECT at, action, to_status FROM case_events "
                  "WHERE case_id = ? AND public = 1 ORDER BY id",
                  "i", id);
    if (!st)
        goto fail;
    while ((rc = db_step(st, e)) > 0) {
        json_array_append_new(timeline,
                              json_pack("{s:o, s:s, s:o}", "at",
                                        jv_time_json(db_col_int(st, 0)), "action",
                                        db_col_text(st, 1), "status",
                                        str_or_null(db_col_text(st, 2))));
    }
    db_reset(st);
    if (rc < 0)
        goto fail;

    ratings = visits_json(db, id, "citizen", e);
    if (!ratings)
        goto fail;
    if (json_array_size(ratings) > 0) {
        json_t *r = json_array_get(ratings, 0);
        json_object_set_new(
            j, "rating",
            json_pack("{s:O, s:O, s:O, s:O}", "satisfaction",
                      json_object_get(r, "satisfaction"), "resolved",
                      json_object_get(r, "resolved"), "comment",
                      json_object_get(r, "note"), "at", json_object_get(r, "at")));
        json_object_set_new(j, "can_rate", json_false());
    } else {
        json_object_set_new(j, "rating", json_null());
    }
    json_decref(ratings);
    *out = j;
    return 1;

fail:
    json_decref(j);
    return -1;
}

/* ---- similar ------------------------------------------------------------ */

int
case_similar(struct db *db, const struct user *u, int64_t id, int64_t now,
             json_t **out, struct err *e)
{
    struct case_row row;
    struct case_facts f;
    struct db_stmt *st;
    json_t *items;
    int rc;

    rc = case_load_facts(db, u, id, now, &row, &f, e);
    if (rc <= 0)
        return rc;
    /* Duplicate hints are for the platform's reviewers; they see all cases. */
    st = db_query(db, e,
                  "SELECT " LIST_COLUMNS LIST_JOINS
                  "JOIN cases s ON s.id = ? "
                  "WHERE c.id <> s.id AND c.created_at > ? "
                  "AND c.status NOT IN ('closed', 'rejected', 'merged') "
                  "AND ((s.citizen_phone IS NOT NULL AND "
                  "c.citizen_phone = s.citizen_phone) OR "
                  "(s.category_id IS NOT NULL AND c.category_id = s.category_id "
                  "AND s.district_code IS NOT NULL AND "
                  "c.district_code = s.district_code)) "
                  "ORDER BY c.created_at DESC LIMIT 20",
                  "ii", id, now - 30 * 86400);
    if (!st)
        return -1;
    items = json_array();
    while ((rc = db_step(st, e)) > 0)
        json_array_append_new(items, list_item(st, u, 0, now));
    db_reset(st);
    if (rc < 0) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{s:o}", "items", items);
    return 1;
}

/* ---- extension queue ---------------------------------------------------- */

int
extension_list(struct db *db, const char *status, int64_t page,
               int64_t per_page, json_t **out, struct err *e)
{
    struct db_stmt *st;
    int64_t total;
    json_t *items;
    int rc;

    if (db_query_int(db, e, &total,
                     "SELECT COUNT(*) FROM extensions WHERE status = ?", "t",
                     status) < 0)
        return -1;
    st = db_query(db, e,
                  "SELECT x.id, c.id, c.case_no, c.title, n.id, n.name, x.days, "
                  "x.reason, x.status, x.requested_at, COALESCE(c.due_at, 0) "
                  "FROM extensions x JOIN cases c ON c.id = x.case_id "
                  "JOIN assignments a ON a.id = x.assignment_id "
                  "JOIN units n ON n.id = a.unit_id "
                  "WHERE x.status = ? ORDER BY x.requested_at, x.id "
                  "LIMIT ? OFFSET ?",
                  "tii", status, per_page, (page - 1) * per_page);
    if (!st)
        return -1;
    items = json_array();
    while ((rc = db_step(st, e)) > 0) {
        json_t *x = json_pack(
            "{s:I, s:{s:I, s:s, s:s}, s:{s:I, s:s}, s:I, s:s, s:s}", "id",
            (json_int_t)db_col_int(st, 0), "case", "id",
            (json_int_t)db_col_int(st, 1), "case_no", db_col_text(st, 2),
            "title", db_col_text(st, 3), "unit", "id",
            (json_int_t)db_col_int(st, 4), "name", db_col_text(st, 5), "days",
            (json_int_t)db_col_int(st, 6), "reason", db_col_text(st, 7),
            "status", db_col_text(st, 8));
        json_object_set_new(x, "requested_at", jv_time_json(db_col_int(st, 9)));
        json_object_set_new(x, "deadline", jv_time_json(db_col_int(st, 10)));
        json_array_append_new(items, x);
    }
    db_reset(st);
    if (rc < 0) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
                     (json_int_t)total, "page", (json_int_t)page, "per_page",
                     (json_int_t)per_page);
    return 0;
}
