/* rules.c — time-limit rules, the shared snapshot, and their store (see
 * rules.h). The SQL of the calendar and the rules tables lives here. */
#include "common.h"

#include <pthread.h>

#include "cases/rules.h"
#include "db/db.h"
#include "deadline/rules.h"
#include "util/jsonv.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define DAY CALENDAR_DAY_SECONDS

static const char *const unit_names[] = {"working_days", "natural_hours",
                                         "natural_minutes"};

const char *
tl_unit_name(enum tl_unit u)
{
    return unit_names[u];
}

int
tl_unit_parse(const char *s, enum tl_unit *out)
{
    for (size_t i = 0; s && i < ARRAY_SIZE(unit_names); i++) {
        if (strcmp(s, unit_names[i]) == 0) {
            *out = (enum tl_unit)i;
            return 0;
        }
    }
    return -1;
}

int
tl_unit_max(enum tl_unit u)
{
    switch (u) {
    case TL_WORKING_DAYS:
        return 60;
    case TL_NATURAL_HOURS:
        return 720;
    case TL_NATURAL_MINUTES:
        return 43200;
    }
    return 0;
}

/* ---- pure ---------------------------------------------------------------- */

/* Specificity as one number, larger = more specific; -1 = no match.
 * RULE tl-specificity: urgency (bit 40) > category, nearer first (bits
 * 8..39: TL_CATEGORY_DEPTH - distance) > type (bit 0). */
static int64_t
rule_score(const struct tl_rule *r, const char *type, const char *urgency,
           const int64_t *cats, size_t ncats)
{
    int64_t score = 0;
    size_t i;

    if (r->urgency[0]) {
        if (strcmp(r->urgency, urgency) != 0)
            return -1;
        score += INT64_C(1) << 40;
    }
    if (r->category_id) {
        for (i = 0; i < ncats && cats[i] != r->category_id; i++)
            ;
        if (i == ncats)
            return -1;
        score += (int64_t)(TL_CATEGORY_DEPTH - i) << 8;
    }
    if (r->type[0]) {
        if (strcmp(r->type, type) != 0)
            return -1;
        score += 1;
    }
    return score;
}

const struct tl_rule *
deadline_rule_match(const struct tl_rule *rules, size_t n, const char *type,
                    const char *urgency, const int64_t *cats, size_t ncats)
{
    const struct tl_rule *best = NULL;
    int64_t best_score = -1, s;

    if (ncats > TL_CATEGORY_DEPTH)
        ncats = TL_CATEGORY_DEPTH;
    for (size_t i = 0; i < n; i++) {
        s = rule_score(&rules[i], type, urgency, cats, ncats);
        if (s > best_score) {
            best_score = s;
            best = &rules[i];
        }
    }
    return best;
}

int
deadline_limit_end(const struct calendar *c, int64_t t, int limit,
                   enum tl_unit u, int64_t *out, struct err *e)
{
    switch (u) {
    case TL_WORKING_DAYS:
        return calendar_add_workdays(c, t, limit, out, e);
    case TL_NATURAL_HOURS:
        *out = calendar_add_hours(t, limit);
        return 0;
    case TL_NATURAL_MINUTES:
        *out = calendar_add_minutes(t, limit);
        return 0;
    }
    return err_set(e, ERR_INTERNAL, NULL, "time limit: unknown unit");
}

int
deadline_compute(const struct calendar *c, const struct tl_rule *r, int64_t t,
                 int64_t *sign_due, int64_t *due, struct err *e)
{
    if (deadline_limit_end(c, t, r->handle_limit, r->handle_unit, due, e) < 0 ||
        deadline_limit_end(c, t, r->sign_limit, r->sign_unit, sign_due, e) < 0)
        return -1;
    if (*sign_due > *due)
        *sign_due = *due;
    return 0;
}

int
deadline_extension_allowed(const struct calendar *c, int64_t due, int64_t now)
{
    /* RULE extension-2wd: at least 2 whole working days of time must remain
     * between now and the current deadline. */
    return due > 0 &&
           !calendar_within_last(c, now, due, DEADLINE_EXTENSION_LEAD_WD);
}

int
deadline_extended(const struct calendar *c, int64_t due, int days,
                  int64_t *out, struct err *e)
{
    /* due is 24:00 of the old last day; due - 1 lies on that day. */
    return calendar_add_workdays(c, due - 1, days, out, e);
}

/* ---- settings ------------------------------------------------------------ */

static int ext_max_count = CASE_EXTENSION_MAX_COUNT;
static int ext_max_days = CASE_EXTENSION_MAX_DAYS;

void
deadline_configure(int extension_max_count, int extension_max_days)
{
    ext_max_count = extension_max_count;
    ext_max_days = extension_max_days;
}

int
deadline_extension_max_count(void)
{
    return ext_max_count;
}

int
deadline_extension_max_days(void)
{
    return ext_max_days;
}

/* ---- the snapshot -------------------------------------------------------- */

static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct deadline_snapshot *snap_current;

static void
snapshot_free(struct deadline_snapshot *s)
{
    calendar_release(&s->cal);
    free(s->rules);
    free(s);
}

static int
copy_text(char *dst, size_t n, const char *src)
{
    size_t len = src ? strlen(src) : 0;

    if (len >= n)
        return -1;
    memcpy(dst, src ? src : "", len);
    dst[len] = '\0';
    return 0;
}

static int
load_snapshot(struct db *db, int64_t version, struct deadline_snapshot **out,
              struct err *e)
{
    struct deadline_snapshot *s = xcalloc(1, sizeof(*s));
    struct db_stmt *st;
    enum calendar_kind kind;
    size_t alloc = 0;
    int rc;

    s->version = version;
    calendar_init(&s->cal);
    st = db_query(db, e, "SELECT day, kind, name FROM calendar_days ORDER BY day",
                  "");
    if (!st)
        goto fail;
    while ((rc = db_step(st, e)) > 0) {
        if (calendar_kind_parse(db_col_text(st, 1), &kind) < 0)
            BUG("calendar_days: bad kind");
        calendar_add(&s->cal, (int)db_col_int(st, 0), kind, db_col_text(st, 2));
    }
    db_reset(st);
    if (rc < 0)
        goto fail;
    calendar_finish(&s->cal);

    st = db_query(db, e,
                  "SELECT id, COALESCE(type, ''), COALESCE(urgency, ''), "
                  "COALESCE(category_id, 0), sign_limit, sign_unit, "
                  "handle_limit, handle_unit, return_window, reopen_window "
                  "FROM time_limit_rules ORDER BY id",
                  "");
    if (!st)
        goto fail;
    while ((rc = db_step(st, e)) > 0) {
        struct tl_rule *r;

        if (s->nrules == alloc) {
            alloc = alloc ? alloc * 2 : 16;
            s->rules = xrealloc(s->rules, alloc * sizeof(*s->rules));
        }
        r = &s->rules[s->nrules++];
        memset(r, 0, sizeof(*r));
        r->id = db_col_int(st, 0);
        if (copy_text(r->type, sizeof(r->type), db_col_text(st, 1)) < 0 ||
            copy_text(r->urgency, sizeof(r->urgency), db_col_text(st, 2)) < 0 ||
            tl_unit_parse(db_col_text(st, 5), &r->sign_unit) < 0 ||
            tl_unit_parse(db_col_text(st, 7), &r->handle_unit) < 0)
            BUG("time_limit_rules: bad row %lld", (long long)r->id);
        r->category_id = db_col_int(st, 3);
        r->sign_limit = (int)db_col_int(st, 4);
        r->handle_limit = (int)db_col_int(st, 6);
        r->return_window = (int)db_col_int(st, 8);
        r->reopen_window = (int)db_col_int(st, 9);
    }
    db_reset(st);
    if (rc < 0)
        goto fail;
    *out = s;
    return 0;

fail:
    snapshot_free(s);
    return -1;
}

int
deadline_snapshot_get(struct db *db, struct deadline_snapshot **out,
                      struct err *e)
{
    struct deadline_snapshot *s, *old = NULL;
    int64_t version;
    int rc;

    rc = db_query_int(db, e, &version,
                      "SELECT version FROM time_limit_version WHERE id = 1", "");
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_INTERNAL, NULL, "time_limit_version: no row");
    pthread_mutex_lock(&snap_lock);
    s = snap_current;
    if (s && s->version == version) {
        s->refs++;
        pthread_mutex_unlock(&snap_lock);
        *out = s;
        return 0;
    }
    pthread_mutex_unlock(&snap_lock);

    /* Loaded outside the lock: two threads may both load; the data read is
     * at least as new as `version`, so a mix is reloaded next time. */
    if (load_snapshot(db, version, &s, e) < 0)
        return -1;
    s->refs = 2; /* the cache's and the caller's */
    pthread_mutex_lock(&snap_lock);
    if (snap_current && --snap_current->refs == 0)
        old = snap_current;
    snap_current = s;
    pthread_mutex_unlock(&snap_lock);
    if (old)
        snapshot_free(old);
    log_debug("msg=time_limits_loaded version=%lld days=%zu rules=%zu",
              (long long)version, s->cal.n, s->nrules);
    *out = s;
    return 0;
}

void
deadline_snapshot_put(struct deadline_snapshot *s)
{
    int last;

    if (!s)
        return;
    pthread_mutex_lock(&snap_lock);
    last = --s->refs == 0;
    pthread_mutex_unlock(&snap_lock);
    if (last)
        snapshot_free(s);
}

void
deadline_cache_clear(void)
{
    struct deadline_snapshot *old = NULL;

    pthread_mutex_lock(&snap_lock);
    if (snap_current && --snap_current->refs == 0)
        old = snap_current;
    snap_current = NULL;
    pthread_mutex_unlock(&snap_lock);
    if (old)
        snapshot_free(old);
}

static int
bump_version(struct db *db, struct err *e)
{
    return db_exec(db, e,
                   "UPDATE time_limit_version SET version = version + 1 "
                   "WHERE id = 1",
                   "") == 1
               ? 0
               : (e->code ? -1
                          : err_set(e, ERR_INTERNAL, NULL,
                                    "time_limit_version: no row"));
}

/* ---- for the case store -------------------------------------------------- */

/* The case's category and its ancestors, nearest first. */
static int
category_chain(struct db *db, int64_t id, int64_t *cats, size_t *n,
               struct err *e)
{
    int64_t parent;
    int rc;

    *n = 0;
    while (id && *n < TL_CATEGORY_DEPTH) {
        cats[(*n)++] = id;
        rc = db_query_int(db, e, &parent,
                          "SELECT COALESCE(parent_id, 0) FROM categories "
                          "WHERE id = ?",
                          "i", id);
        if (rc < 0)
            return rc;
        id = rc == 1 ? parent : 0;
    }
    return 0;
}

int
deadline_rule_for(struct db *db, const struct deadline_case *k,
                  struct tl_rule *out, struct err *e)
{
    struct deadline_snapshot *s;
    const struct tl_rule *r;
    int64_t cats[TL_CATEGORY_DEPTH];
    size_t ncats;

    if (category_chain(db, k->category_id, cats, &ncats, e) < 0 ||
        deadline_snapshot_get(db, &s, e) < 0)
        return -1;
    r = deadline_rule_match(s->rules, s->nrules, k->type, k->urgency, cats,
                            ncats);
    if (r)
        *out = *r;
    deadline_snapshot_put(s);
    if (!r)
        return err_set(e, ERR_INTERNAL, NULL,
                       "time limits: no rule matches type %s urgency %s",
                       k->type, k->urgency);
    return 0;
}

int
deadline_for_case(struct db *db, const struct deadline_case *k, int64_t t,
                  int64_t *sign_due, int64_t *due, struct err *e)
{
    struct deadline_snapshot *s;
    struct tl_rule r;
    int rc;

    if (deadline_rule_for(db, k, &r, e) < 0 ||
        deadline_snapshot_get(db, &s, e) < 0)
        return -1;
    rc = deadline_compute(&s->cal, &r, t, sign_due, due, e);
    deadline_snapshot_put(s);
    return rc;
}

static int
window_end(struct db *db, const struct deadline_case *k, int64_t t, int reopen,
           int64_t *out, struct err *e)
{
    struct deadline_snapshot *s;
    struct tl_rule r;
    int rc;

    if (deadline_rule_for(db, k, &r, e) < 0 ||
        deadline_snapshot_get(db, &s, e) < 0)
        return -1;
    rc = calendar_add_workdays(&s->cal, t,
                               reopen ? r.reopen_window : r.return_window, out,
                               e);
    deadline_snapshot_put(s);
    return rc;
}

int
deadline_return_until(struct db *db, const struct deadline_case *k,
                      int64_t dispatched_at, int64_t *out, struct err *e)
{
    return window_end(db, k, dispatched_at, 0, out, e);
}

int
deadline_reopen_until(struct db *db, const struct deadline_case *k,
                      int64_t closed_at, int64_t *out, struct err *e)
{
    return window_end(db, k, closed_at, 1, out, e);
}

int
deadline_extension_in_time(struct db *db, int64_t due, int64_t now,
                           struct err *e)
{
    struct deadline_snapshot *s;
    int ok;

    if (deadline_snapshot_get(db, &s, e) < 0)
        return -1;
    ok = deadline_extension_allowed(&s->cal, due, now);
    deadline_snapshot_put(s);
    return ok;
}

int
deadline_extend(struct db *db, int64_t due, int days, int64_t *out,
                struct err *e)
{
    struct deadline_snapshot *s;
    int rc;

    if (deadline_snapshot_get(db, &s, e) < 0)
        return -1;
    rc = deadline_extended(&s->cal, due, days, out, e);
    deadline_snapshot_put(s);
    return rc;
}

/* ---- calendar API ---------------------------------------------------------- */

static void
ymd_iso(int ymd, char out[16])
{
    snprintf(out, 16, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100,
             ymd % 100);
}

json_t *
deadline_calendar_year_json(const struct calendar *c, int year)
{
    json_t *days = json_array();
    char iso[16];

    for (size_t i = 0; i < c->n; i++) {
        const struct calendar_day *d = &c->days[i];

        if (d->ymd / 10000 != year)
            continue;
        ymd_iso(d->ymd, iso);
        json_array_append_new(days, json_pack("{s:s, s:s, s:s}", "date", iso,
                                              "kind", calendar_kind_name(d->kind),
                                              "name", d->name));
    }
    return json_pack("{s:i, s:o, s:i}", "year", year, "days", days,
                     "working_days", calendar_year_workdays(c, year));
}

int
deadline_calendar_store(struct db *db, const int *years, size_t nyears,
                        const struct calendar_day *days, size_t ndays,
                        int merge, struct err *e)
{
    int rc = db_begin(db, e);

    if (rc < 0)
        return rc;
    for (size_t i = 0; !merge && i < nyears; i++) {
        if (db_exec(db, e,
                    "DELETE FROM calendar_days WHERE day >= ? AND day <= ?",
                    "ii", (int64_t)years[i] * 10000 + 101,
                    (int64_t)years[i] * 10000 + 1231) < 0)
            goto fail;
    }
    for (size_t i = 0; i < ndays; i++) {
        if (db_exec(db, e,
                    "INSERT INTO calendar_days (day, kind, name) "
                    "VALUES (?, ?, ?) ON CONFLICT (day) DO UPDATE SET "
                    "kind = excluded.kind, name = excluded.name",
                    "itt", (int64_t)days[i].ymd,
                    calendar_kind_name(days[i].kind), days[i].name) < 0)
            goto fail;
    }
    if (bump_version(db, e) < 0)
        goto fail;
    return db_commit(db, e);

fail:
    db_rollback(db);
    return -1;
}

/* "YYYY-MM-DD" exactly -> YYYYMMDD, or -1. */
static int
parse_date(const char *s)
{
    int ymd = 0;

    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (!isdigit((unsigned char)s[i]))
            return -1;
        ymd = ymd * 10 + (s[i] - '0');
    }
    return calendar_ymd_valid(ymd) ? ymd : -1;
}

int
deadline_calendar_from_json(json_t *body, int year, struct calendar *out,
                            struct err *e)
{
    static const char *const top[] = {"days"};
    static const char *const item[] = {"date", "kind", "name"};
    static const char *const kinds[] = {"holiday", "workday"};
    json_t *days = json_object_get(body, "days"), *d;
    const char *date, *name;
    char field[48];
    size_t i;
    int kind, ymd;

    if (jv_only(body, "", top, ARRAY_SIZE(top), e) < 0)
        return -1;
    if (!json_is_array(days))
        return err_set(e, ERR_VALIDATION, "days", "days: must be an array");
    if (json_array_size(days) > 366)
        return err_set(e, ERR_VALIDATION, "days",
                       "days: at most 366 entries a year");
    json_array_foreach(days, i, d) {
        snprintf(field, sizeof(field), "days[%zu]", i);
        if (!json_is_object(d))
            return err_set(e, ERR_VALIDATION, field, "%s: must be an object",
                           field);
        if (jv_only(d, field, item, ARRAY_SIZE(item), e) < 0)
            return -1;
        snprintf(field, sizeof(field), "days[%zu].date", i);
        if (jv_str(d, "date", JV_REQUIRED, 10, &date, e) < 0)
            return err_set(e, ERR_VALIDATION, field,
                           "%s: required, YYYY-MM-DD", field);
        ymd = parse_date(date);
        if (ymd < 0)
            return err_set(e, ERR_VALIDATION, field,
                           "%s: '%s' is not a date (YYYY-MM-DD)", field, date);
        if (ymd / 10000 != year)
            return err_set(e, ERR_VALIDATION, field,
                           "%s: %s is not in %d", field, date, year);
        if (calendar_find(out, ymd))
            return err_set(e, ERR_VALIDATION, field, "%s: %s appears twice",
                           field, date);
        snprintf(field, sizeof(field), "days[%zu].kind", i);
        if (jv_enum(d, "kind", JV_REQUIRED, kinds, 2, &kind, e) < 0)
            return err_set(e, ERR_VALIDATION, field,
                           "%s: must be holiday or workday", field);
        snprintf(field, sizeof(field), "days[%zu].name", i);
        if (jv_str(d, "name", JV_REQUIRED, CALENDAR_NAME_MAX, &name, e) < 0)
            return err_set(e, ERR_VALIDATION, field,
                           "%s: required, 1 to %d characters", field,
                           CALENDAR_NAME_MAX);
        calendar_add(out, ymd,
                     kind == 1 ? CALENDAR_WORKDAY : CALENDAR_HOLIDAY, name);
        calendar_finish(out); /* keeps calendar_find() exact for the next */
    }
    return 0;
}

/* ---- rules API ----------------------------------------------------------- */

int
deadline_rules_json(struct db *db, json_t **out, struct err *e)
{
    struct db_stmt *st;
    json_t *items = json_array();
    int rc;

    st = db_query(db, e,
                  "SELECT r.id, r.type, r.urgency, r.category_id, c.code, "
                  "c.name, r.sign_limit, r.sign_unit, r.handle_limit, "
                  "r.handle_unit, r.return_window, r.reopen_window "
                  "FROM time_limit_rules r LEFT JOIN categories c "
                  "ON c.id = r.category_id ORDER BY r.id",
                  "");
    if (!st) {
        json_decref(items);
        return -1;
    }
    while ((rc = db_step(st, e)) > 0) {
        json_t *cat = json_null();

        if (!db_col_is_null(st, 3))
            cat = json_pack("{s:I, s:s?, s:s?}", "id",
                            (json_int_t)db_col_int(st, 3), "code",
                            db_col_text(st, 4), "name", db_col_text(st, 5));
        json_array_append_new(
            items,
            json_pack("{s:I, s:s?, s:s?, s:o?, s:o, s:I, s:s, s:I, s:s, s:I, "
                      "s:I}",
                      "id", (json_int_t)db_col_int(st, 0), "type",
                      db_col_text(st, 1), "urgency", db_col_text(st, 2),
                      "category_id",
                      db_col_is_null(st, 3) ? NULL
                                            : json_integer(db_col_int(st, 3)),
                      "category", cat, "sign_limit",
                      (json_int_t)db_col_int(st, 6), "sign_unit",
                      db_col_text(st, 7), "handle_limit",
                      (json_int_t)db_col_int(st, 8), "handle_unit",
                      db_col_text(st, 9), "return_window",
                      (json_int_t)db_col_int(st, 10), "reopen_window",
                      (json_int_t)db_col_int(st, 11)));
    }
    db_reset(st);
    if (rc < 0) {
        json_decref(items);
        return -1;
    }
    *out = json_pack("{s:o}", "items", items);
    return 0;
}

static int
rule_from_json(json_t *o, size_t idx, struct tl_rule *r, struct err *e)
{
    static const char *const fields[] = {
        "id", "type", "urgency", "category_id", "category", "sign_limit",
        "sign_unit", "handle_limit", "handle_unit", "return_window",
        "reopen_window"};
    char prefix[32], field[64];
    const char *type = NULL, *urgency = NULL, *su = NULL, *hu = NULL;
    int64_t cat = 0, v;

    snprintf(prefix, sizeof(prefix), "rules[%zu]", idx);
    if (!json_is_object(o))
        return err_set(e, ERR_VALIDATION, prefix, "%s: must be an object",
                       prefix);
    /* id and category are what GET returns; accepted and ignored so a
     * screen can PUT back what it read. */
    if (jv_only(o, prefix, fields, ARRAY_SIZE(fields), e) < 0)
        return -1;
    memset(r, 0, sizeof(*r));
#define FIELD(name) snprintf(field, sizeof(field), "%s.%s", prefix, name)
    FIELD("type");
    if (jv_str(o, "type", JV_OPTIONAL, 15, &type, e) < 0 ||
        (type && !case_type_valid(type)))
        return err_set(e, ERR_VALIDATION, field,
                       "%s: a case type or null", field);
    FIELD("urgency");
    if (jv_str(o, "urgency", JV_OPTIONAL, 15, &urgency, e) < 0 ||
        (urgency && !case_urgency_valid(urgency)))
        return err_set(e, ERR_VALIDATION, field,
                       "%s: normal, urgent, emergency or null", field);
    FIELD("category_id");
    if (jv_int(o, "category_id", JV_OPTIONAL, 1, INT64_MAX, &cat, e) < 0)
        return err_set(e, ERR_VALIDATION, field,
                       "%s: a category id or null", field);
    snprintf(r->type, sizeof(r->type), "%s", type ? type : "");
    snprintf(r->urgency, sizeof(r->urgency), "%s", urgency ? urgency : "");
    r->category_id = cat;

    FIELD("sign_unit");
    if (jv_str(o, "sign_unit", JV_REQUIRED, 20, &su, e) < 0 ||
        tl_unit_parse(su, &r->sign_unit) < 0)
        return err_set(e, ERR_VALIDATION, field,
                       "%s: working_days, natural_hours or natural_minutes",
                       field);
    FIELD("handle_unit");
    if (jv_str(o, "handle_unit", JV_REQUIRED, 20, &hu, e) < 0 ||
        tl_unit_parse(hu, &r->handle_unit) < 0)
        return err_set(e, ERR_VALIDATION, field,
                       "%s: working_days, natural_hours or natural_minutes",
                       field);
    FIELD("sign_limit");
    if (jv_int(o, "sign_limit", JV_REQUIRED, 1, tl_unit_max(r->sign_unit), &v,
               e) < 0)
        return err_set(e, ERR_VALIDATION, field, "%s: 1 to %d %s", field,
                       tl_unit_max(r->sign_unit), su);
    r->sign_limit = (int)v;
    FIELD("handle_limit");
    if (jv_int(o, "handle_limit", JV_REQUIRED, 1, tl_unit_max(r->handle_unit),
               &v, e) < 0)
        return err_set(e, ERR_VALIDATION, field, "%s: 1 to %d %s", field,
                       tl_unit_max(r->handle_unit), hu);
    r->handle_limit = (int)v;
    FIELD("return_window");
    if (jv_int(o, "return_window", JV_REQUIRED, 1, TL_MAX_WINDOW_RETURN, &v,
               e) < 0)
        return err_set(e, ERR_VALIDATION, field, "%s: 1 to %d working days",
                       field, TL_MAX_WINDOW_RETURN);
    r->return_window = (int)v;
    FIELD("reopen_window");
    if (jv_int(o, "reopen_window", JV_REQUIRED, 1, TL_MAX_WINDOW_REOPEN, &v,
               e) < 0)
        return err_set(e, ERR_VALIDATION, field, "%s: 1 to %d working days",
                       field, TL_MAX_WINDOW_REOPEN);
    r->reopen_window = (int)v;
#undef FIELD
    return 0;
}

int
deadline_rules_from_json(json_t *body, struct tl_rule **out, size_t *n,
                         struct err *e)
{
    static const char *const top[] = {"rules"};
    json_t *rules = json_object_get(body, "rules"), *o;
    struct tl_rule *r;
    size_t i, j;
    int wildcard = 0;
    char field[32];

    if (jv_only(body, "", top, ARRAY_SIZE(top), e) < 0)
        return -1;
    if (!json_is_array(rules) || json_array_size(rules) == 0)
        return err_set(e, ERR_VALIDATION, "rules",
                       "rules: must be a non-empty array");
    if (json_array_size(rules) > TL_MAX_RULES)
        return err_set(e, ERR_VALIDATION, "rules", "rules: at most %d rules",
                       TL_MAX_RULES);
    r = xcalloc(json_array_size(rules), sizeof(*r));
    json_array_foreach(rules, i, o) {
        if (rule_from_json(o, i, &r[i], e) < 0)
            goto fail;
        for (j = 0; j < i; j++) {
            if (strcmp(r[j].type, r[i].type) == 0 &&
                strcmp(r[j].urgency, r[i].urgency) == 0 &&
                r[j].category_id == r[i].category_id) {
                snprintf(field, sizeof(field), "rules[%zu]", i);
                err_set(e, ERR_VALIDATION, field,
                        "%s: same type, urgency and category as rules[%zu]",
                        field, j);
                goto fail;
            }
        }
        if (!r[i].type[0] && !r[i].urgency[0] && !r[i].category_id)
            wildcard = 1;
    }
    if (!wildcard) {
        err_set(e, ERR_VALIDATION, "rules",
                "rules: one rule must have no type, urgency or category (the "
                "default)");
        goto fail;
    }
    *out = r;
    *n = json_array_size(rules);
    return 0;

fail:
    free(r);
    return -1;
}

int
deadline_rules_store(struct db *db, const struct tl_rule *rules, size_t n,
                     struct err *e)
{
    char field[40];
    int64_t one;
    int rc = db_begin(db, e);

    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (!rules[i].category_id)
            continue;
        rc = db_query_int(db, e, &one, "SELECT 1 FROM categories WHERE id = ?",
                          "i", rules[i].category_id);
        if (rc < 0)
            goto fail;
        if (rc == 0) {
            snprintf(field, sizeof(field), "rules[%zu].category_id", i);
            err_set(e, ERR_VALIDATION, field, "%s: no category %lld", field,
                    (long long)rules[i].category_id);
            goto fail;
        }
    }
    if (db_exec(db, e, "DELETE FROM time_limit_rules", "") < 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        const struct tl_rule *r = &rules[i];

        if (db_exec(db, e,
                    "INSERT INTO time_limit_rules (type, urgency, category_id, "
                    "sign_limit, sign_unit, handle_limit, handle_unit, "
                    "return_window, reopen_window) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    "ttzItItII", r->type[0] ? r->type : NULL,
                    r->urgency[0] ? r->urgency : NULL, r->category_id,
                    r->sign_limit, tl_unit_name(r->sign_unit), r->handle_limit,
                    tl_unit_name(r->handle_unit), r->return_window,
                    r->reopen_window) < 0)
            goto fail;
    }
    if (bump_version(db, e) < 0)
        goto fail;
    return db_commit(db, e);

fail:
    db_rollback(db);
    return -1;
}
