/* cases_http.c — HTTP handlers of cases: parse and bound the input, call the
 * store and the view, never SQL of their own. */
#include "common.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>

#include "cases/cases.h"
#include "cases/cases_http.h"
#include "cases/lifecycle.h"
#include "cases/rules.h"
#include "cases/store.h"
#include "cases/view.h"
#include "org/throttle.h" /* public rate limits */
#include "util/jsonv.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define PER_PAGE_MAX 200
#define PAGE_MAX 100000
#define Q_MAX_CHARS 100
#define IDEM_KEY_MAX 100

/* Writes go through the group-commit writer (db_write): each job below is
 * one store call, run on the writer's connection. */
struct create_job {
    const struct user *u;
    const struct case_new *in;
    int64_t now;
    int64_t id;
};

static int
create_job(struct db *db, void *ctx, struct err *e)
{
    struct create_job *j = ctx;

    return case_create(db, j->u, j->in, j->now, &j->id, e);
}

struct act_job {
    const struct user *u;
    int64_t id;
    const char *action;
    json_t *args;
    int64_t now;
};

static int
act_job(struct db *db, void *ctx, struct err *e)
{
    struct act_job *j = ctx;

    return case_act(db, j->u, j->id, j->action, j->args, j->now, e);
}

struct rate_job {
    int64_t id;
    const char *satisfaction;
    int resolved;
    const char *comment;
};

static int
rate_job(struct db *db, void *ctx, struct err *e)
{
    struct rate_job *j = ctx;

    return case_rate(db, j->id, j->satisfaction, j->resolved, j->comment,
                     time_now(), e);
}

static int
not_found(struct err *e)
{
    return err_set(e, ERR_NOT_FOUND, NULL, "case: not found");
}

/* The case named by the path (id or case_no); 404 when there is none. */
static int
path_case(struct req *r, struct db *db, int64_t *id, struct err *e)
{
    int rc = case_resolve(db, r->params[0], id, e);

    if (rc < 0)
        return rc;
    return rc == 0 ? not_found(e) : 0;
}

static int
respond_detail(struct req *r, struct resp *out, struct db *db, int64_t id,
               int status, struct err *e)
{
    json_t *j;
    /* the 201 goes to the author of the identity it shows (see view.h) */
    int rc = case_detail(db, r->user, id, time_now(), status != 201, &j, e);

    if (rc < 0)
        return rc;
    if (rc == 0)
        return not_found(e);
    resp_json(out, status, j);
    return 0;
}

/* Idempotency-Key: printable ASCII, at most 100 characters. NULL if absent. */
static int
idempotency_key(struct req *r, const char **key, struct err *e)
{
    const char *k = req_header(r, "Idempotency-Key");

    *key = NULL;
    if (!k)
        return 0;
    if (!*k || strlen(k) > IDEM_KEY_MAX)
        return err_set(e, ERR_VALIDATION, "Idempotency-Key",
                       "Idempotency-Key: must be 1 to %d characters",
                       IDEM_KEY_MAX);
    for (const char *p = k; *p; p++) {
        if (*p < 0x21 || *p > 0x7e)
            return err_set(e, ERR_VALIDATION, "Idempotency-Key",
                           "Idempotency-Key: printable ASCII only");
    }
    *key = k;
    return 0;
}

int
h_cases_create(struct req *r, struct resp *out, struct err *e)
{
    struct case_new in;
    struct create_job job;
    struct db *db;

    if (case_new_from_json(r->json, 0, &in, e) < 0 ||
        idempotency_key(r, &in.idem_key, e) < 0)
        return -1;
    in.idem_scope = arena_printf(r->arena, "user:%lld", (long long)r->user->id);
    job = (struct create_job){r->user, &in, time_now(), 0};
    db = db_thread(e);
    if (!db || db_write(db, create_job, &job, e) < 0)
        return -1;
    return respond_detail(r, out, db, job.id, 201, e);
}

/* ---- list filters ------------------------------------------------------- */

static int
query_str(struct req *r, const char *name, size_t max_chars, const char **out,
          struct err *e)
{
    const char *v = req_query(r, name);

    *out = NULL;
    if (!v || !*v)
        return 0;
    if (!utf8_valid(v, strlen(v)))
        return err_set(e, ERR_VALIDATION, name, "%s: not valid UTF-8", name);
    if (utf8_chars(v, strlen(v)) > max_chars)
        return err_set(e, ERR_VALIDATION, name,
                       "%s: must be at most %zu characters", name, max_chars);
    *out = v;
    return 0;
}

static int
query_time(struct req *r, const char *name, int64_t *out, struct err *e)
{
    const char *v = req_query(r, name);

    *out = 0;
    if (!v || !*v)
        return 0;
    if (time_parse(v, out) < 0)
        return err_set(e, ERR_VALIDATION, name,
                       "%s: not a date (YYYY-MM-DD), ISO 8601 time or epoch "
                       "seconds",
                       name);
    return 0;
}

static int
parse_statuses(struct req *r, struct case_filter *f, struct err *e)
{
    const char *v;
    char *copy, *p, *comma;
    enum case_status s;

    if (query_str(r, "status", 200, &v, e) < 0 || !v)
        return e->code ? -1 : 0;
    copy = arena_strdup(r->arena, v);
    for (p = copy; p; p = comma ? comma + 1 : NULL) {
        comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (case_status_parse(p, &s) < 0)
            return err_set(e, ERR_VALIDATION, "status",
                           "status: '%s' is not a case status", p);
        if (f->nstatuses == CASE_FILTER_STATUSES)
            return err_set(e, ERR_VALIDATION, "status",
                           "status: at most %d statuses", CASE_FILTER_STATUSES);
        f->statuses[f->nstatuses++] = case_status_name(s);
    }
    return 0;
}

static int
parse_filter(struct req *r, struct case_filter *f, struct err *e)
{
    static const char *const sorts[] = {"created_at", "-created_at", "deadline",
                                        "-deadline"};
    const char *mine = NULL;
    size_t i;

    memset(f, 0, sizeof(*f));
    err_clear(e);
    if (parse_statuses(r, f, e) < 0 ||
        query_str(r, "type", 16, &f->type, e) < 0 ||
        query_str(r, "channel", 32, &f->channel, e) < 0 ||
        query_str(r, "urgency", 16, &f->urgency, e) < 0 ||
        query_str(r, "category_code", 16, &f->category_code, e) < 0 ||
        query_str(r, "district_code", 16, &f->district_code, e) < 0 ||
        query_str(r, "warning", 8, &f->warning, e) < 0 ||
        query_str(r, "q", Q_MAX_CHARS, &f->q, e) < 0 ||
        query_str(r, "sort", 16, &f->sort, e) < 0 ||
        query_str(r, "mine", 1, &mine, e) < 0 ||
        query_time(r, "from", &f->from, e) < 0 ||
        query_time(r, "to", &f->to, e) < 0 ||
        req_query_int(r, "unit_id", 1, INT64_MAX, 0, &f->unit_id, e) < 0 ||
        req_query_int(r, "page", 1, PAGE_MAX, 1, &f->page, e) < 0 ||
        req_query_int(r, "per_page", 1, PER_PAGE_MAX, 20, &f->per_page, e) < 0)
        return -1;
    if (f->type && !case_type_valid(f->type))
        return err_set(e, ERR_VALIDATION, "type", "type: not a case type");
    if (f->channel && !case_channel_valid(f->channel))
        return err_set(e, ERR_VALIDATION, "channel", "channel: not a channel");
    if (f->urgency && !case_urgency_valid(f->urgency))
        return err_set(e, ERR_VALIDATION, "urgency",
                       "urgency: must be normal, urgent or emergency");
    if (f->category_code && !case_code_valid(f->category_code))
        return err_set(e, ERR_VALIDATION, "category_code",
                       "category_code: not a category code");
    if (f->district_code && !case_code_valid(f->district_code))
        return err_set(e, ERR_VALIDATION, "district_code",
                       "district_code: not a district code");
    if (f->warning && strcmp(f->warning, "yellow") != 0 &&
        strcmp(f->warning, "red") != 0)
        return err_set(e, ERR_VALIDATION, "warning",
                       "warning: must be yellow or red");
    if (f->q && utf8_chars(f->q, strlen(f->q)) < 2)
        return err_set(e, ERR_VALIDATION, "q",
                       "q: search for at least 2 characters");
    if (f->sort) {
        for (i = 0; i < ARRAY_SIZE(sorts); i++) {
            if (strcmp(f->sort, sorts[i]) == 0)
                break;
        }
        if (i == ARRAY_SIZE(sorts))
            return err_set(e, ERR_VALIDATION, "sort",
                           "sort: must be created_at, -created_at, deadline or "
                           "-deadline");
    }
    if (mine && strcmp(mine, "1") == 0)
        f->created_by = r->user->id;
    else if (mine && strcmp(mine, "0") != 0)
        return err_set(e, ERR_VALIDATION, "mine", "mine: must be 0 or 1");
    if (f->from && f->to && f->to <= f->from)
        return err_set(e, ERR_VALIDATION, "to", "to: must be after from");
    return 0;
}

int
h_cases_list(struct req *r, struct resp *out, struct err *e)
{
    struct case_filter f;
    struct db *db;
    json_t *j;

    if (parse_filter(r, &f, e) < 0)
        return -1;
    db = db_thread(e);
    if (!db || case_list(db, r->user, &f, time_now(), &j, e) < 0)
        return -1;
    resp_json(out, 200, j);
    return 0;
}

int
h_citizen_cases(struct req *r, struct resp *out, struct err *e)
{
    struct case_filter f;
    struct db *db;
    json_t *j;

    if (!case_phone_valid(r->params[0]))
        return err_set(e, ERR_VALIDATION, "phone",
                       "phone: not a valid phone number");
    if (parse_filter(r, &f, e) < 0)
        return -1;
    f.phone = r->params[0];
    db = db_thread(e);
    if (!db || case_list(db, r->user, &f, time_now(), &j, e) < 0)
        return -1;
    resp_json(out, 200, j);
    return 0;
}

int
h_case_get(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    int64_t id;

    if (!db || path_case(r, db, &id, e) < 0)
        return -1;
    return respond_detail(r, out, db, id, 200, e);
}

int
h_case_act(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct act_job job;
    int64_t id;

    if (!db || path_case(r, db, &id, e) < 0)
        return -1;
    job = (struct act_job){r->user, id, r->params[1], r->json, time_now()};
    if (db_write(db, act_job, &job, e) < 0)
        return -1;
    return respond_detail(r, out, db, id, 200, e);
}

int
h_case_similar(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    int64_t id;
    json_t *j;
    int rc;

    if (!db || path_case(r, db, &id, e) < 0)
        return -1;
    rc = case_similar(db, r->user, id, time_now(), &j, e);
    if (rc <= 0)
        return rc < 0 ? rc : not_found(e);
    resp_json(out, 200, j);
    return 0;
}

int
h_extensions_list(struct req *r, struct resp *out, struct err *e)
{
    const char *status = req_query(r, "status");
    int64_t page, per_page;
    struct db *db;
    json_t *j;

    if (status && strcmp(status, "pending") != 0 &&
        strcmp(status, "approved") != 0 && strcmp(status, "denied") != 0)
        return err_set(e, ERR_VALIDATION, "status",
                       "status: must be pending, approved or denied");
    if (req_query_int(r, "page", 1, PAGE_MAX, 1, &page, e) < 0 ||
        req_query_int(r, "per_page", 1, PER_PAGE_MAX, 20, &per_page, e) < 0)
        return -1;
    db = db_thread(e);
    if (!db || extension_list(db, status ? status : "pending", page, per_page,
                              &j, e) < 0)
        return -1;
    resp_json(out, 200, j);
    return 0;
}

/* ---- public ------------------------------------------------------------- */

int
h_public_case_create(struct req *r, struct resp *out, struct err *e)
{
    struct case_new in;
    struct create_job job;
    struct db *db;
    struct case_row row;
    struct case_facts f;
    int rc = throttle_public(r, out, THROTTLE_SUBMIT, NULL, e); /* 429 */

    if (rc != 0)
        return rc < 0 ? rc : 0;
    if (case_new_from_json(r->json, 1, &in, e) < 0 ||
        idempotency_key(r, &in.idem_key, e) < 0)
        return -1;
    in.idem_scope = arena_printf(r->arena, "ip:%s", r->client_ip);
    job = (struct create_job){NULL, &in, time_now(), 0};
    db = db_thread(e);
    if (!db || db_write(db, create_job, &job, e) < 0)
        return -1;
    if (case_load_facts(db, NULL, job.id, time_now(), &row, &f, e) <= 0)
        return e->code ? -1 : err_set(e, ERR_INTERNAL, NULL, "case vanished");
    resp_json(out, 201,
              json_pack("{s:s, s:s, s:s}", "case_no", row.case_no,
                        "query_code", row.query_code, "status",
                        case_status_name(row.status)));
    return 0;
}

/* The case behind a public case number + query code. A wrong code is
 * answered exactly like a missing case. */
static int
public_case(struct req *r, struct db *db, const char *code, int64_t *id,
            struct err *e)
{
    struct case_row row;
    struct case_facts f;
    int rc;

    if (!case_no_shape(r->params[0]) || !code || strlen(code) != 6)
        return not_found(e);
    rc = case_resolve(db, r->params[0], id, e);
    if (rc <= 0)
        return rc < 0 ? rc : not_found(e);
    rc = case_load_facts(db, NULL, *id, time_now(), &row, &f, e);
    if (rc <= 0)
        return rc < 0 ? rc : not_found(e);
    if (sodium_memcmp(row.query_code, code, 6) != 0)
        return not_found(e);
    return 0;
}

static int
respond_public(struct resp *out, struct db *db, int64_t id, struct err *e)
{
    json_t *j;
    int rc = case_public_view(db, id, time_now(), &j, e);

    if (rc <= 0)
        return rc < 0 ? rc : not_found(e);
    resp_json(out, 200, j);
    return 0;
}

int
h_public_case_track(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    int64_t id;
    int rc = throttle_public(r, out, THROTTLE_TRACK, r->params[0], e); /* 429 */

    if (rc != 0)
        return rc < 0 ? rc : 0;
    if (!db || public_case(r, db, req_query(r, "code"), &id, e) < 0) {
        if (e->code == ERR_NOT_FOUND)
            throttle_guess_failed(r, r->params[0]);
        return -1;
    }
    return respond_public(out, db, id, e);
}

int
h_public_case_rate(struct req *r, struct resp *out, struct err *e)
{
    static const char *const fields[] = {"code", "satisfaction", "resolved",
                                         "comment"};
    const char *code, *comment = NULL;
    struct rate_job job;
    int sat, resolved;
    struct db *db;
    int64_t id;
    int rc = throttle_public(r, out, THROTTLE_RATE, r->params[0], e); /* 429 */

    if (rc != 0)
        return rc < 0 ? rc : 0;
    if (jv_only(r->json, "", fields, ARRAY_SIZE(fields), e) < 0 ||
        jv_str(r->json, "code", JV_REQUIRED, 6, &code, e) < 0 ||
        jv_enum(r->json, "satisfaction", JV_REQUIRED, case_satisfactions,
                case_nsatisfactions, &sat, e) < 0 ||
        jv_bool(r->json, "resolved", JV_REQUIRED, &resolved, e) < 0 ||
        jv_str(r->json, "comment", JV_OPTIONAL, CASE_TEXT_MAX, &comment, e) < 0)
        return -1;
    db = db_thread(e);
    if (!db || public_case(r, db, code, &id, e) < 0) {
        if (e->code == ERR_NOT_FOUND)
            throttle_guess_failed(r, r->params[0]);
        return -1;
    }
    job = (struct rate_job){id, case_satisfactions[sat], resolved, comment};
    if (db_write(db, rate_job, &job, e) < 0)
        return -1;
    return respond_public(out, db, id, e);
}
