/* kb_http.c — handlers of /api/v1/kb and /api/v1/public/kb: bound and
 * validate the input, decide who may do what, run the store (kb/store.c)
 * through the group-commit writer. No SQL here. docs/kb.md. */
#include "common.h"

#include "kb/kb.h"
#include "org/org.h"
#include "org/throttle.h"
#include "org/user.h"
#include "util/jsonv.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define LIST_MAX 200
#define EXPORT_MAX 10000
#define SEARCH_MAX 50

static const char *const article_keys[] = {
    "title",    "questions",   "answer", "category",     "tags",
    "legal_basis", "public",   "effective_at", "expires_at", "review_by"};

static int
is_reviewer(const struct user *u)
{
    return u->role == ROLE_DISPATCHER || u->role == ROLE_ADMIN;
}

/* RULE kb-owner: a unit's handler or unit_admin (of it or a unit above it)
 * writes its articles; dispatcher and admin write the platform's own. */
static int
may_write(const struct user *u, int64_t unit_id, const char *unit_path)
{
    if (u->role == ROLE_HANDLER || u->role == ROLE_UNIT_ADMIN)
        return unit_path_within(unit_path, u->unit_path);
    if (is_reviewer(u))
        return unit_id == u->unit_id;
    return 0;
}

/* Platform roles read every article; unit roles their subtree's. */
static int
may_read(const struct user *u, const char *unit_path)
{
    if (role_is_platform(u->role))
        return 1;
    return unit_path_within(unit_path, u->unit_path);
}

static int
path_id(struct req *r, int64_t *id, struct err *e)
{
    if (parse_int64(r->params[0], 1, INT64_MAX, id) < 0)
        return err_set(e, ERR_NOT_FOUND, NULL, "article: not found");
    return 0;
}

enum op { OP_CREATE, OP_UPDATE, OP_DELETE, OP_ACT, OP_IMPORT };

struct kb_job {
    enum op op;
    const struct user *u;
    int64_t id, unit_id, now;
    struct kb_fields f;
    enum kb_action act;
    const char *note;
    json_t *patch;          /* OP_UPDATE: the body */
    struct arena *arena;
    struct db *db;
    /* import */
    const char *csv;
    size_t csv_len;
    int submit;
    json_t *ids;
    int cols[16];
};

/* Loads the article's owner and checks the caller may see it (404 if not)
 * and, when `write`, change it (403). */
static int
owner_check(struct db *db, struct kb_job *j, int write, char *status,
            size_t status_size, int64_t *version, struct err *e)
{
    char path[256];
    int64_t unit_id;
    int rc = kb_article_owner(db, j->id, &unit_id, path, sizeof(path), status,
                              status_size, version, e);

    if (rc < 0)
        return rc;
    if (rc == 0 || !may_read(j->u, path))
        return err_set(e, ERR_NOT_FOUND, NULL, "article %lld: not found",
                       (long long)j->id);
    if (write && !may_write(j->u, unit_id, path))
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "article %lld: only its unit may change it",
                       (long long)j->id);
    return 0;
}

static int import_rows(struct db *db, struct kb_job *j, struct err *e);

static int
kb_job_run(struct db *db, void *ctx, struct err *e)
{
    struct kb_job *j = ctx;
    char status[16];
    int64_t version;
    json_t *cur;
    int rc;

    switch (j->op) {
    case OP_CREATE:
        return kb_article_insert(db, j->unit_id, &j->f, j->u->id, j->now, &j->id,
                                 e);
    case OP_UPDATE:
        if (owner_check(db, j, 1, status, sizeof(status), &version, e) < 0)
            return -1;
        cur = kb_article_json(db, j->id, j->now, e);
        if (!cur)
            return -1;
        json_object_update(cur, j->patch);
        rc = kb_fields_from_json(cur, j->arena, &j->f, e);
        if (rc == 0)
            rc = kb_article_update(db, j->id, &j->f, j->u->id, j->now, e);
        json_decref(cur);
        return rc;
    case OP_DELETE:
        /* the owner, or the platform removing a draft never published */
        if (owner_check(db, j, !is_reviewer(j->u), status, sizeof(status),
                        &version, e) < 0)
            return -1;
        return kb_article_delete(db, j->id, e);
    case OP_ACT:
        /* RULE kb-review: the platform (dispatcher, admin) approves or
         * rejects what a unit submitted; the owner submits; the owner or
         * the platform expires. */
        if (j->act == KB_APPROVE || j->act == KB_REJECT) {
            if (owner_check(db, j, 0, status, sizeof(status), &version, e) < 0)
                return -1;
            if (!is_reviewer(j->u))
                return err_set(e, ERR_FORBIDDEN, NULL,
                               "%s: only the platform reviews articles",
                               kb_action_names[j->act]);
        } else if (j->act == KB_EXPIRE && is_reviewer(j->u)) {
            if (owner_check(db, j, 0, status, sizeof(status), &version, e) < 0)
                return -1;
        } else if (owner_check(db, j, 1, status, sizeof(status), &version, e) < 0) {
            return -1;
        }
        return kb_article_act(db, j->id, j->act, j->note, j->u->id, j->now, e);
    case OP_IMPORT:
        return import_rows(db, j, e);
    }
    return err_set(e, ERR_INTERNAL, NULL, "kb: bad job");
}

static int
respond_article(struct resp *out, struct db *db, int64_t id, int status,
                struct err *e)
{
    json_t *j = kb_article_json(db, id, time_now(), e);

    if (!j)
        return -1;
    resp_json(out, status, j);
    return 0;
}

int
h_kb_get(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct kb_job j = {.u = r->user};
    char status[16];
    int64_t version;

    if (!db || path_id(r, &j.id, e) < 0 ||
        owner_check(db, &j, 0, status, sizeof(status), &version, e) < 0)
        return -1;
    return respond_article(out, db, j.id, 200, e);
}

static int
list_filter(struct req *r, struct kb_filter *f, int64_t max, struct err *e)
{
    static const char *const statuses[] = {"draft", "pending", "published",
                                           "expired"};
    const char *s = req_query(r, "status");
    int64_t overdue = 0;
    size_t i;

    memset(f, 0, sizeof(*f));
    if (!role_is_platform(r->user->role)) {
        f->unit_path = r->user->unit_path;
        f->unit_path_like = arena_printf(r->arena, "%s%%", r->user->unit_path);
    }
    if (s && *s) {
        for (i = 0; i < ARRAY_SIZE(statuses); i++)
            if (strcmp(s, statuses[i]) == 0)
                f->status = statuses[i];
        if (!f->status)
            return err_set(e, ERR_VALIDATION, "status",
                           "status: must be draft, pending, published or expired");
    }
    if (req_query_int(r, "unit_id", 1, INT64_MAX, 0, &f->unit_id, e) < 0 ||
        req_query_int(r, "overdue", 0, 1, 0, &overdue, e) < 0 ||
        req_query_int(r, "limit", 1, max, max < 50 ? max : 50, &f->limit, e) < 0 ||
        req_query_int(r, "offset", 0, 1000000, 0, &f->offset, e) < 0)
        return -1;
    f->overdue = (int)overdue;
    return 0;
}

int
h_kb_list(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct kb_filter f;
    json_t *items;

    if (!db || list_filter(r, &f, LIST_MAX, e) < 0)
        return -1;
    items = json_array();
    if (kb_list(db, &f, time_now(), items, e) < 0) {
        json_decref(items);
        return -1;
    }
    resp_json(out, 200,
              json_pack("{s:o, s:I, s:I}", "items", items, "limit",
                        (json_int_t)f.limit, "offset", (json_int_t)f.offset));
    return 0;
}

int
h_kb_create(struct req *r, struct resp *out, struct err *e)
{
    static const char *const keys[] = {
        "title",       "questions", "answer",       "category",
        "tags",        "legal_basis", "public",     "effective_at",
        "expires_at",  "review_by", "unit_id"};
    struct db *db = db_thread(e);
    struct kb_job j = {.op = OP_CREATE, .u = r->user, .now = time_now()};
    struct unit un;
    int64_t unit_id = r->user->unit_id;

    if (!db || jv_only(r->json, "", keys, ARRAY_SIZE(keys), e) < 0 ||
        jv_int(r->json, "unit_id", JV_OPTIONAL, 1, INT64_MAX, &unit_id, e) < 0 ||
        kb_fields_from_json(r->json, r->arena, &j.f, e) < 0)
        return -1;
    if (unit_load(db, unit_id, &un, e) <= 0 || !may_write(r->user, unit_id, un.path))
        return err_set(e, ERR_FORBIDDEN, "unit_id",
                       "unit_id: you may not write articles for unit %lld",
                       (long long)unit_id);
    j.unit_id = unit_id;
    if (db_write(db, kb_job_run, &j, e) < 0)
        return -1;
    log_info("msg=kb_created id=%lld unit_id=%lld user_id=%lld",
             (long long)j.id, (long long)unit_id, (long long)r->user->id);
    return respond_article(out, db, j.id, 201, e);
}

int
h_kb_update(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct kb_job j = {.op = OP_UPDATE, .u = r->user, .now = time_now(),
                       .arena = r->arena, .patch = r->json};

    char status[16];
    int64_t version;

    /* an invisible article is 404 before its body is looked at */
    if (!db || path_id(r, &j.id, e) < 0 ||
        owner_check(db, &j, 0, status, sizeof(status), &version, e) < 0 ||
        jv_only(r->json, "", article_keys, ARRAY_SIZE(article_keys), e) < 0)
        return -1;
    if (!r->json || json_object_size(r->json) == 0)
        return err_set(e, ERR_VALIDATION, NULL, "body: nothing to change");
    if (db_write(db, kb_job_run, &j, e) < 0)
        return -1;
    return respond_article(out, db, j.id, 200, e);
}

int
h_kb_delete(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct kb_job j = {.op = OP_DELETE, .u = r->user, .now = time_now()};

    if (!db || path_id(r, &j.id, e) < 0 || db_write(db, kb_job_run, &j, e) < 0)
        return -1;
    resp_json(out, 200, json_pack("{s:I, s:b}", "id", (json_int_t)j.id,
                                  "deleted", 1));
    return 0;
}

int
h_kb_act(struct req *r, struct resp *out, struct err *e)
{
    static const char *const keys[] = {"note"};
    struct db *db = db_thread(e);
    struct kb_job j = {.op = OP_ACT, .u = r->user, .now = time_now()};
    size_t i;

    char status[16];
    int64_t version;

    if (!db || path_id(r, &j.id, e) < 0 ||
        owner_check(db, &j, 0, status, sizeof(status), &version, e) < 0)
        return -1;
    for (i = 0; i < KB_ACTION__COUNT; i++)
        if (strcmp(r->params[1], kb_action_names[i]) == 0)
            break;
    if (i == KB_ACTION__COUNT)
        return err_set(e, ERR_NOT_FOUND, NULL, "action '%.32s': not found",
                       r->params[1]);
    j.act = (enum kb_action)i;
    if (jv_only(r->json, "", keys, 1, e) < 0 ||
        jv_str(r->json, "note", j.act == KB_REJECT ? JV_REQUIRED : JV_OPTIONAL,
               KB_NOTE_MAX, &j.note, e) < 0)
        return -1;
    if (db_write(db, kb_job_run, &j, e) < 0)
        return -1;
    log_info("msg=kb_%s id=%lld user_id=%lld", kb_action_names[j.act],
             (long long)j.id, (long long)r->user->id);
    return respond_article(out, db, j.id, 200, e);
}

int
h_kb_history(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct kb_job j = {.u = r->user};
    char status[16];
    int64_t version;
    json_t *items;

    if (!db || path_id(r, &j.id, e) < 0 ||
        owner_check(db, &j, 0, status, sizeof(status), &version, e) < 0)
        return -1;
    items = json_array();
    if (kb_history(db, j.id, items, e) < 0) {
        json_decref(items);
        return -1;
    }
    resp_json(out, 200, json_pack("{s:I, s:o}", "id", (json_int_t)j.id,
                                  "versions", items));
    return 0;
}

static int
query_text(struct req *r, const char **q, int *match_all, struct err *e)
{
    static const char *const modes[] = {"any", "all"};
    const char *s = req_query(r, "q"), *m = req_query(r, "match");
    size_t n = s ? strlen(s) : 0;

    *match_all = 0;
    if (m && *m) {
        if (strcmp(m, modes[0]) != 0 && strcmp(m, modes[1]) != 0)
            return err_set(e, ERR_VALIDATION, "match",
                           "match: must be any or all");
        *match_all = strcmp(m, modes[1]) == 0;
    }

    *q = s ? s : "";
    if (!utf8_valid(*q, n))
        return err_set(e, ERR_VALIDATION, "q", "q: not valid UTF-8");
    if (utf8_chars(*q, n) > KB_QUERY_MAX)
        return err_set(e, ERR_VALIDATION, "q", "q: at most %d characters",
                       KB_QUERY_MAX);
    return 0;
}

int
h_kb_search(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    const char *q;
    int64_t limit;
    json_t *items;
    int all;

    if (!db || query_text(r, &q, &all, e) < 0 ||
        req_query_int(r, "limit", 1, SEARCH_MAX, 10, &limit, e) < 0)
        return -1;
    items = json_array();
    if (kb_search(db, r->arena, q, all, 0, time_now(), limit, items, e) < 0) {
        json_decref(items);
        return -1;
    }
    resp_json(out, 200, json_pack("{s:s, s:o}", "q", q, "items", items));
    return 0;
}

int
h_public_kb(struct req *r, struct resp *out, struct err *e)
{
    static const char *const keep[] = {"id",       "title", "questions",
                                       "answer",   "category", "legal_basis",
                                       "updated_at", "published_at"};
    struct db *db = db_thread(e);
    const char *q;
    int64_t limit;
    json_t *items, *pub, *it;
    size_t i;
    int all, rc = throttle_public(r, out, THROTTLE_TRACK, NULL, e); /* 429 */

    if (rc != 0)
        return rc < 0 ? rc : 0;
    if (!db || query_text(r, &q, &all, e) < 0 ||
        req_query_int(r, "limit", 1, SEARCH_MAX, 10, &limit, e) < 0)
        return -1;
    items = json_array();
    /* RULE kb-public: the citizen FAQ shows public articles on offer only,
     * without internal fields (unit staff, notes, counters). */
    if (kb_search(db, r->arena, q, all, 1, time_now(), limit, items, e) < 0) {
        json_decref(items);
        return -1;
    }
    pub = json_array();
    json_array_foreach(items, i, it) {
        json_t *o = json_object();

        for (size_t k = 0; k < ARRAY_SIZE(keep); k++)
            json_object_set(o, keep[k], json_object_get(it, keep[k]));
        json_object_set(o, "unit", json_object_get(json_object_get(it, "unit"),
                                                   "name"));
        json_array_append_new(pub, o);
    }
    json_decref(items);
    resp_json(out, 200, json_pack("{s:s, s:o}", "q", q, "items", pub));
    return 0;
}

int
h_kb_stats(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    const char *like = NULL;
    int64_t soon;
    json_t *items;

    if (!db || req_query_int(r, "soon_days", 1, 365, 30, &soon, e) < 0)
        return -1;
    if (!role_is_platform(r->user->role))
        like = arena_printf(r->arena, "%s%%", r->user->unit_path);
    items = json_array();
    if (kb_stats(db, like, time_now(), soon * 86400, items, e) < 0) {
        json_decref(items);
        return -1;
    }
    resp_json(out, 200, json_pack("{s:I, s:o}", "soon_days", (json_int_t)soon,
                                  "items", items));
    return 0;
}

/* ---- CSV ---------------------------------------------------------------- */

static const char *const csv_cols[] = {
    "id",          "unit_code",    "status",      "title",      "questions",
    "answer",      "category",     "tags",        "legal_basis", "public",
    "effective_date", "expiry_date", "review_by", "version",    "uses"};
enum { C_ID, C_UNIT, C_STATUS, C_TITLE, C_QUESTIONS, C_ANSWER, C_CATEGORY,
       C_TAGS, C_LEGAL, C_PUBLIC, C_EFFECTIVE, C_EXPIRY, C_REVIEW, C_VERSION,
       C_USES, C__COUNT };

static void
csv_lines(struct buf *b, json_t *arr, int last)
{
    struct buf t;
    json_t *it;
    size_t i;

    buf_init(&t, 64 * 1024);
    json_array_foreach(arr, i, it) {
        if (i)
            buf_addc(&t, '\n');
        buf_adds(&t, json_string_value(it));
    }
    kb_csv_field(b, t.data, last);
    buf_release(&t);
}

static void
csv_date(struct buf *b, json_t *v)
{
    char d[32] = "";
    int64_t t;

    if (json_is_string(v) && time_parse(json_string_value(v), &t) == 0) {
        time_iso(t, d);
        d[10] = '\0';
    }
    kb_csv_field(b, d, 0);
}

int
h_kb_export(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    const char *fmt = r->params[0];
    struct kb_filter f;
    struct buf b;
    json_t *items, *it;
    size_t i, len;
    char num[32];

    if (strcmp(fmt, "csv") != 0)
        return err_set(e, ERR_NOT_FOUND, "format",
                       "format: only csv is available (xlsx is not built in)");
    if (!db || list_filter(r, &f, EXPORT_MAX, e) < 0)
        return -1;
    if (!req_query(r, "limit"))
        f.limit = EXPORT_MAX;
    items = json_array();
    if (kb_list(db, &f, time_now(), items, e) < 0) {
        json_decref(items);
        return -1;
    }
    buf_init(&b, 256u * 1024 * 1024);
    buf_adds(&b, "\xEF\xBB\xBF"); /* BOM: spreadsheet programs read UTF-8 */
    for (i = 0; i < C__COUNT; i++)
        kb_csv_field(&b, csv_cols[i], i == C__COUNT - 1);
    json_array_foreach(items, i, it) {
        snprintf(num, sizeof(num), "%lld",
                 (long long)json_integer_value(json_object_get(it, "id")));
        kb_csv_field(&b, num, 0);
        kb_csv_field(&b, json_string_value(json_object_get(
                             json_object_get(it, "unit"), "code")), 0);
        kb_csv_field(&b, json_string_value(json_object_get(it, "status")), 0);
        kb_csv_field(&b, json_string_value(json_object_get(it, "title")), 0);
        csv_lines(&b, json_object_get(it, "questions"), 0);
        kb_csv_field(&b, json_string_value(json_object_get(it, "answer")), 0);
        kb_csv_field(&b, json_string_value(json_object_get(it, "category")), 0);
        csv_lines(&b, json_object_get(it, "tags"), 0);
        kb_csv_field(&b, json_string_value(json_object_get(it, "legal_basis")), 0);
        kb_csv_field(&b, json_is_true(json_object_get(it, "public"))
                             ? "public" : "internal", 0);
        csv_date(&b, json_object_get(it, "effective_at"));
        csv_date(&b, json_object_get(it, "expires_at"));
        csv_date(&b, json_object_get(it, "review_by"));
        snprintf(num, sizeof(num), "%lld",
                 (long long)json_integer_value(json_object_get(it, "version")));
        kb_csv_field(&b, num, 0);
        snprintf(num, sizeof(num), "%lld",
                 (long long)json_integer_value(json_object_get(it, "uses")));
        kb_csv_field(&b, num, 1);
    }
    json_decref(items);
    if (b.failed) {
        buf_release(&b);
        return err_set(e, ERR_TOO_LARGE, NULL, "export: too large; filter it");
    }
    out->content_type = "text/csv; charset=utf-8";
    out->body = buf_detach(&b, &len);
    out->body_len = len;
    resp_header(out, "Content-Disposition",
                "attachment; filename=\"kb-articles.csv\"");
    return 0;
}

/* A cell of lines as a JSON array of the non-empty trimmed lines. */
static json_t *
cell_lines(const char *s)
{
    json_t *arr = json_array();

    while (s && *s) {
        size_t n = strcspn(s, "\r\n"), a = 0, z = n;

        while (a < z && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t'))
            z--;
        if (z > a) {
            char *line = xmalloc(z - a + 1);

            memcpy(line, s + a, z - a);
            line[z - a] = '\0';
            json_array_append_new(arr, json_string(line));
            free(line);
        }
        s += n;
        while (*s == '\r' || *s == '\n')
            s++;
    }
    return arr;
}

static int
csv_row(void *ctx, char **fields, size_t nf, long line, struct err *e)
{
    static const char *const yes[] = {"public", "1", "true", "yes", "是", "公开"};
    static const char *const no[] = {"internal", "0", "false", "no", "否",
                                     "内部", ""};
    struct kb_job *j = ctx;
    json_t *o;
    int64_t unit_id = j->u->unit_id, id, t;
    const char *v;
    size_t i;
    int rc = 0, pub = -1;

    if (j->cols[0] == -2) { /* header row */
        for (i = 0; i < C__COUNT; i++)
            j->cols[i] = -1;
        for (i = 0; i < nf; i++)
            for (size_t k = 0; k < C__COUNT; k++)
                if (strcmp(fields[i], csv_cols[k]) == 0)
                    j->cols[k] = (int)i;
        if (j->cols[C_TITLE] < 0 || j->cols[C_ANSWER] < 0)
            return err_set(e, ERR_VALIDATION, "csv",
                           "csv: the header row needs title and answer columns");
        return 0;
    }
    if (json_array_size(j->ids) >= KB_IMPORT_MAX_ROWS)
        return err_set(e, ERR_VALIDATION, "csv", "csv: at most %d articles",
                       KB_IMPORT_MAX_ROWS);
#define CELL(c) (j->cols[c] >= 0 && (size_t)j->cols[c] < nf ? fields[j->cols[c]] : NULL)
    o = json_object();
    if ((v = CELL(C_TITLE)))
        json_object_set_new(o, "title", json_string(v));
    if ((v = CELL(C_ANSWER)))
        json_object_set_new(o, "answer", json_string(v));
    if ((v = CELL(C_CATEGORY)) && *v)
        json_object_set_new(o, "category", json_string(v));
    if ((v = CELL(C_LEGAL)) && *v)
        json_object_set_new(o, "legal_basis", json_string(v));
    json_object_set_new(o, "questions", cell_lines(CELL(C_QUESTIONS)));
    json_object_set_new(o, "tags", cell_lines(CELL(C_TAGS)));
    v = CELL(C_PUBLIC);
    for (i = 0; v && i < ARRAY_SIZE(yes); i++)
        if (strcasecmp(v, yes[i]) == 0)
            pub = 1;
    for (i = 0; v && i < ARRAY_SIZE(no); i++)
        if (strcasecmp(v, no[i]) == 0)
            pub = 0;
    if (!v)
        pub = 0;
    if (pub < 0) {
        json_decref(o);
        return err_set(e, ERR_VALIDATION, "csv",
                       "csv: line %ld: public must be public or internal", line);
    }
    json_object_set_new(o, "public", json_boolean(pub));
    {
        static const int dc[] = {C_EFFECTIVE, C_EXPIRY, C_REVIEW};
        static const char *const dk[] = {"effective_at", "expires_at",
                                         "review_by"};

        for (i = 0; i < 3; i++) {
            v = CELL(dc[i]);
            if (!v || !*v)
                continue;
            if (time_parse(v, &t) < 0) {
                json_decref(o);
                return err_set(e, ERR_VALIDATION, "csv",
                               "csv: line %ld: %s: not a date (YYYY-MM-DD)",
                               line, csv_cols[dc[i]]);
            }
            json_object_set_new(o, dk[i], json_integer(t));
        }
    }
    v = CELL(C_UNIT);
#undef CELL
    if (v && *v) {
        char path[256];

        rc = kb_unit_by_code(j->db, v, &unit_id, path, sizeof(path), e);
        if (rc < 0) {
            json_decref(o);
            return rc;
        }
        if (rc == 0 || !may_write(j->u, unit_id, path)) {
            json_decref(o);
            return err_set(e, ERR_VALIDATION, "csv",
                           "csv: line %ld: unit_code '%.64s': not a unit you "
                           "may write for", line, v);
        }
    } else if (!may_write(j->u, unit_id, j->u->unit_path)) {
        json_decref(o);
        return err_set(e, ERR_FORBIDDEN, NULL, "import: you may not write articles");
    }
    rc = kb_fields_from_json(o, j->arena, &j->f, e);
    if (rc == 0)
        rc = kb_article_insert(j->db, unit_id, &j->f, j->u->id, j->now, &id, e);
    if (rc == 0 && j->submit)
        rc = kb_article_act(j->db, id, KB_SUBMIT, NULL, j->u->id, j->now, e);
    json_decref(o);
    if (rc < 0) {
        if (e->code == ERR_VALIDATION && strncmp(e->message, "csv", 3) != 0) {
            char m[sizeof(e->message)];

            snprintf(m, sizeof(m), "%s", e->message);
            err_set(e, ERR_VALIDATION, "csv", "csv: line %ld: %s", line, m);
        }
        return -1;
    }
    json_array_append_new(j->ids, json_integer(id));
    return 0;
}

static int
import_rows(struct db *db, struct kb_job *j, struct err *e)
{
    j->db = db;
    j->cols[0] = -2;
    json_array_clear(j->ids);
    return kb_csv_parse(j->csv, j->csv_len, 64, csv_row, j, e);
}

int
h_kb_import(struct req *r, struct resp *out, struct err *e)
{
    static const char *const keys[] = {"csv", "submit"};
    struct db *db = db_thread(e);
    struct kb_job j = {.op = OP_IMPORT, .u = r->user, .now = time_now(),
                       .arena = r->arena};
    json_t *csv = json_object_get(r->json, "csv");

    if (!db || jv_only(r->json, "", keys, ARRAY_SIZE(keys), e) < 0 ||
        jv_bool(r->json, "submit", JV_OPTIONAL, &j.submit, e) < 0)
        return -1;
    if (!json_is_string(csv) || json_string_length(csv) == 0)
        return err_set(e, ERR_VALIDATION, "csv",
                       "csv: required, the text of a CSV file");
    j.csv = json_string_value(csv);
    j.csv_len = json_string_length(csv);
    j.ids = json_array();
    if (db_write(db, kb_job_run, &j, e) < 0) {
        json_decref(j.ids);
        return -1;
    }
    log_info("msg=kb_imported n=%zu user_id=%lld", json_array_size(j.ids),
             (long long)r->user->id);
    resp_json(out, 201, json_pack("{s:I, s:o}", "imported",
                                  (json_int_t)json_array_size(j.ids), "ids",
                                  j.ids));
    return 0;
}
