/* admin.c — units, users and categories: the write API for administrators
 * and unit administrators (rules in admin.h), with its SQL. */
#include "common.h"

#include <stdio.h>

#include "org/admin.h"
#include "org/audit.h" /* audit entries for every change */
#include "org/auth.h"
#include "org/org.h"
#include "org/password.h"
#include "org/user.h"
#include "util/jsonv.h"
#include "util/timeutil.h"

#define HOTLINES_MAX 20
#define PER_PAGE_MAX 200

static const char *const unit_kinds[] = {"department", "district", "street",
                                         "company"};
static const char *const role_list[] = {"agent",      "dispatcher", "handler",
                                        "unit_admin", "supervisor", "leader",
                                        "admin"};

/* ---- small helpers -------------------------------------------------------- */

static int
path_id(struct req *r, int64_t *id, const char *what, struct err *e)
{
    if (parse_int64(r->params[0], 1, INT64_MAX, id) < 0)
        return err_set(e, ERR_NOT_FOUND, NULL, "%s: not found", what);
    return 0;
}

/* Present in the body (even as null)? */
static int
has(json_t *j, const char *k)
{
    return json_object_get(j, k) != NULL;
}

static int
is_null(json_t *j, const char *k)
{
    return json_is_null(json_object_get(j, k));
}

/* Only [A-Za-z0-9] and the characters in `extra`. */
static int
token_ok(const char *s, const char *extra)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
            return 0;
    return 1;
}

static json_t *
nullable_int(int64_t v)
{
    return v ? json_integer(v) : json_null();
}

static int64_t
count(struct db *db, const char *sql, int64_t id, struct err *e)
{
    int64_t n = 0;

    if (db_query_int(db, e, &n, sql, "i", id) < 0)
        return -1;
    return n;
}

/* ---- units ---------------------------------------------------------------- */

struct hotline {
    const char *number, *note;
};

struct unit_in {
    int set_parent, set_code, set_name, set_kind, set_district, set_phone,
        set_contact, set_active, set_hotlines;
    int64_t parent_id;
    const char *code, *name, *kind, *district_code, *phone, *contact;
    int active;
    struct hotline hotlines[HOTLINES_MAX];
    int nhotlines;
};

static int
parse_hotlines(json_t *arr, struct unit_in *in, struct err *e)
{
    size_t i, k;
    json_t *h;

    if (!json_is_array(arr))
        return err_set(e, ERR_VALIDATION, "hotlines",
                       "hotlines: must be an array of {number, note}");
    if (json_array_size(arr) > HOTLINES_MAX)
        return err_set(e, ERR_VALIDATION, "hotlines",
                       "hotlines: at most %d numbers", HOTLINES_MAX);
    json_array_foreach(arr, i, h) {
        static const char *const fields[] = {"number", "note"};
        struct hotline *x = &in->hotlines[i];
        char f[32];

        snprintf(f, sizeof(f), "hotlines[%zu]", i);
        if (!json_is_object(h))
            return err_set(e, ERR_VALIDATION, f,
                           "%s: must be an object {number, note}", f);
        if (jv_only(h, f, fields, ARRAY_SIZE(fields), e) < 0 ||
            jv_str(h, "number", JV_REQUIRED, 20, &x->number, e) < 0 ||
            jv_str(h, "note", JV_OPTIONAL, 50, &x->note, e) < 0) {
            char inner[sizeof(f) + sizeof(e->field) + 1];

            snprintf(inner, sizeof(inner), "%s.%s", f, e->field);
            if (snprintf(e->field, sizeof(e->field), "%s", inner) < 0)
                e->field[0] = '\0';
            return -1;
        }
        if (strlen(x->number) < 3 || !token_ok(x->number, "-") ||
            strspn(x->number, "0123456789-") != strlen(x->number))
            return err_set(e, ERR_VALIDATION, "hotlines",
                           "hotlines: '%s' is not a phone number (3-20 "
                           "digits and '-')",
                           x->number);
        for (k = 0; k < i; k++)
            if (strcmp(in->hotlines[k].number, x->number) == 0)
                return err_set(e, ERR_VALIDATION, "hotlines",
                               "hotlines: '%s' is listed twice", x->number);
    }
    in->nhotlines = (int)json_array_size(arr);
    in->set_hotlines = 1;
    return 0;
}

static int
parse_unit(json_t *j, int create, struct unit_in *in, struct err *e)
{
    static const char *const fields[] = {
        "parent_id", "code",    "name",   "kind",    "district_code",
        "phone",     "contact", "active", "hotlines"};
    int kind;

    memset(in, 0, sizeof(*in));
    if (jv_only(j, "", fields, ARRAY_SIZE(fields), e) < 0)
        return -1;
    if (create || has(j, "parent_id")) {
        if (jv_int(j, "parent_id", JV_REQUIRED, 1, INT64_MAX, &in->parent_id,
                   e) < 0)
            return -1;
        in->set_parent = 1;
    }
    if (create || has(j, "code")) {
        if (jv_str(j, "code", JV_REQUIRED, 32, &in->code, e) < 0)
            return -1;
        if (!token_ok(in->code, "_-"))
            return err_set(e, ERR_VALIDATION, "code",
                           "code: letters, digits, '_' and '-' only");
        in->set_code = 1;
    }
    if (create || has(j, "name")) {
        if (jv_str(j, "name", JV_REQUIRED, 64, &in->name, e) < 0)
            return -1;
        in->set_name = 1;
    }
    if (create || has(j, "kind")) {
        if (jv_enum(j, "kind", JV_REQUIRED, unit_kinds, ARRAY_SIZE(unit_kinds),
                    &kind, e) < 0)
            return -1;
        in->kind = unit_kinds[kind];
        in->set_kind = 1;
    }
    if (has(j, "district_code")) {
        if (jv_str(j, "district_code", JV_OPTIONAL, 12, &in->district_code,
                   e) < 0)
            return -1;
        in->set_district = 1;
    }
    if (has(j, "phone")) {
        if (jv_str(j, "phone", JV_OPTIONAL, 32, &in->phone, e) < 0)
            return -1;
        in->set_phone = 1;
    }
    if (has(j, "contact")) {
        if (jv_str(j, "contact", JV_OPTIONAL, 50, &in->contact, e) < 0)
            return -1;
        in->set_contact = 1;
    }
    if (has(j, "active")) {
        if (create)
            return err_set(e, ERR_VALIDATION, "active",
                           "active: new units are active");
        if (jv_bool(j, "active", JV_REQUIRED, &in->active, e) < 0)
            return -1;
        in->set_active = 1;
    }
    if (has(j, "hotlines") && !is_null(j, "hotlines") &&
        parse_hotlines(json_object_get(j, "hotlines"), in, e) < 0)
        return -1;
    return 0;
}

static json_t *
unit_hotlines_json(struct db *db, int64_t id, struct err *e)
{
    struct db_stmt *st;
    json_t *arr = json_array();
    int rc;

    st = db_query(db, e,
                  "SELECT number, note FROM unit_hotlines WHERE unit_id = ? "
                  "ORDER BY sort, id",
                  "i", id);
    if (!st) {
        json_decref(arr);
        return NULL;
    }
    while ((rc = db_step(st, e)) > 0)
        json_array_append_new(arr, json_pack("{s:s, s:s?}", "number",
                                             db_col_text(st, 0), "note",
                                             db_col_text(st, 1)));
    db_reset(st);
    if (rc < 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static int
unit_json(struct db *db, int64_t id, json_t **out, struct err *e)
{
    struct db_stmt *st;
    json_t *hl, *j = NULL;
    int rc;

    st = db_query(db, e,
                  "SELECT id, COALESCE(parent_id, 0), code, name, kind, path, "
                  "active, COALESCE(phone, ''), COALESCE(district_code, ''), "
                  "COALESCE(contact, '') FROM units WHERE id = ?",
                  "i", id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1)
        j = json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s}",
                      "id", (json_int_t)db_col_int(st, 0), "parent_id",
                      nullable_int(db_col_int(st, 1)), "code",
                      db_col_text(st, 2), "name", db_col_text(st, 3), "kind",
                      db_col_text(st, 4), "path", db_col_text(st, 5),
                      "active", (int)db_col_int(st, 6), "phone",
                      db_col_text(st, 7), "district_code", db_col_text(st, 8),
                      "contact", db_col_text(st, 9));
    db_reset(st);
    if (rc <= 0)
        return rc;
    hl = unit_hotlines_json(db, id, e);
    if (!hl) {
        json_decref(j);
        return -1;
    }
    json_object_set_new(j, "hotlines", hl);
    *out = j;
    return 1;
}

int
admin_units_decorate(struct db *db, json_t *items, struct err *e)
{
    struct db_stmt *st;
    json_t *byid = json_object(), *it;
    char key[24];
    size_t i;
    int rc;

    json_array_foreach(items, i, it) {
        snprintf(key, sizeof(key), "%lld",
                 (long long)json_integer_value(json_object_get(it, "id")));
        json_object_set_new(it, "hotlines", json_array());
        json_object_set_new(it, "contact", json_string(""));
        json_object_set(byid, key, it);
    }
    st = db_query(db, e,
                  "SELECT unit_id, number, note FROM unit_hotlines "
                  "ORDER BY unit_id, sort, id",
                  "");
    if (!st)
        goto fail;
    while ((rc = db_step(st, e)) > 0) {
        snprintf(key, sizeof(key), "%lld", (long long)db_col_int(st, 0));
        it = json_object_get(byid, key);
        if (it)
            json_array_append_new(
                json_object_get(it, "hotlines"),
                json_pack("{s:s, s:s?}", "number", db_col_text(st, 1), "note",
                          db_col_text(st, 2)));
    }
    db_reset(st);
    if (rc < 0)
        goto fail;
    st = db_query(db, e,
                  "SELECT id, contact FROM units WHERE contact IS NOT NULL",
                  "");
    if (!st)
        goto fail;
    while ((rc = db_step(st, e)) > 0) {
        snprintf(key, sizeof(key), "%lld", (long long)db_col_int(st, 0));
        it = json_object_get(byid, key);
        if (it)
            json_object_set_new(it, "contact",
                                json_string(db_col_text(st, 1)));
    }
    db_reset(st);
    if (rc < 0)
        goto fail;
    json_decref(byid);
    return 0;
fail:
    json_decref(byid);
    return -1;
}

static int
unit_code_taken(struct db *db, const char *code, int64_t self, struct err *e)
{
    int64_t id;
    int rc = db_query_int(db, e, &id, "SELECT id FROM units WHERE code = ?",
                          "t", code);

    if (rc < 0)
        return rc;
    if (rc == 1 && id != self)
        return err_set(e, ERR_CONFLICT, "code", "code: '%s' is taken", code);
    return 0;
}

static int
replace_hotlines(struct db *db, int64_t unit_id, const struct unit_in *in,
                 struct err *e)
{
    if (db_exec(db, e, "DELETE FROM unit_hotlines WHERE unit_id = ?", "i",
                unit_id) < 0)
        return -1;
    for (int i = 0; i < in->nhotlines; i++) {
        int64_t other;
        int rc = db_query_int(db, e, &other,
                              "SELECT unit_id FROM unit_hotlines "
                              "WHERE number = ?",
                              "t", in->hotlines[i].number);

        if (rc < 0)
            return rc;
        if (rc == 1)
            return err_set(e, ERR_CONFLICT, "hotlines",
                           "hotlines: '%s' belongs to unit %lld",
                           in->hotlines[i].number, (long long)other);
        if (db_exec(db, e,
                    "INSERT INTO unit_hotlines (unit_id, number, note, sort) "
                    "VALUES (?, ?, ?, ?)",
                    "itti", unit_id, in->hotlines[i].number,
                    in->hotlines[i].note, (int64_t)i) < 0)
            return -1;
    }
    return 0;
}

static int
check_district(struct db *db, const struct unit_in *in, struct err *e)
{
    int rc;

    if (!in->set_district || !in->district_code)
        return 0;
    rc = district_exists(db, in->district_code, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_VALIDATION, "district_code",
                       "district_code: no district '%s'", in->district_code);
    return 0;
}

struct unit_job {
    struct unit_in *in;
    int64_t id; /* in: unit to change (0 = create); out: its id */
    int64_t now;
};

static int
unit_create_job(struct db *db, void *ctx, struct err *e)
{
    struct unit_job *j = ctx;
    struct unit_in *in = j->in;
    struct unit parent;
    char path[256];
    int rc;

    rc = unit_load(db, in->parent_id, &parent, e);
    if (rc < 0)
        return rc;
    if (rc == 0 || !parent.active)
        return err_set(e, ERR_VALIDATION, "parent_id",
                       "parent_id: no active unit %lld",
                       (long long)in->parent_id);
    if (unit_code_taken(db, in->code, 0, e) < 0 || check_district(db, in, e) < 0)
        return -1;
    rc = db_query_int(db, e, &j->id,
                      "INSERT INTO units (parent_id, code, name, kind, "
                      "district_code, phone, contact, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                      "itttttti", in->parent_id, in->code, in->name, in->kind,
                      in->district_code, in->phone, in->contact, j->now);
    if (rc <= 0)
        return rc < 0 ? rc
                      : err_set(e, ERR_INTERNAL, NULL, "units: no id returned");
    if (snprintf(path, sizeof(path), "%s%lld/", parent.path,
                 (long long)j->id) >= (int)sizeof(path) - 24)
        return err_set(e, ERR_VALIDATION, "parent_id",
                       "parent_id: the tree is too deep");
    if (db_exec(db, e, "UPDATE units SET path = ? WHERE id = ?", "ti", path,
                j->id) < 0)
        return -1;
    return replace_hotlines(db, j->id, in, e);
}

/* RULE unit-move: the unit and every unit below it get the new prefix. */
static int
unit_move(struct db *db, const struct unit *u, int64_t parent_id,
          struct err *e)
{
    struct unit parent;
    char path[256];
    char like[260];
    int rc;

    if (parent_id == u->parent_id)
        return 0;
    if (u->parent_id == 0)
        return err_set(e, ERR_VALIDATION, "parent_id",
                       "parent_id: the root unit cannot move");
    rc = unit_load(db, parent_id, &parent, e);
    if (rc < 0)
        return rc;
    if (rc == 0 || !parent.active)
        return err_set(e, ERR_VALIDATION, "parent_id",
                       "parent_id: no active unit %lld", (long long)parent_id);
    if (unit_path_within(parent.path, u->path))
        return err_set(e, ERR_VALIDATION, "parent_id",
                       "parent_id: cannot move a unit under itself or one of "
                       "its own descendants");
    if (snprintf(path, sizeof(path), "%s%lld/", parent.path,
                 (long long)u->id) >= (int)sizeof(path) - 24)
        return err_set(e, ERR_VALIDATION, "parent_id",
                       "parent_id: the tree would be too deep");
    snprintf(like, sizeof(like), "%s%%", u->path);
    if (db_exec(db, e, "UPDATE units SET parent_id = ? WHERE id = ?", "ii",
                parent_id, u->id) < 0 ||
        db_exec(db, e,
                "UPDATE units SET path = ? || substr(path, ?) "
                "WHERE path LIKE ?",
                "tit", path, (int64_t)strlen(u->path) + 1, like) < 0)
        return -1;
    return 0;
}

/* RULE unit-deactivate */
static int
unit_can_deactivate(struct db *db, int64_t id, struct err *e)
{
    int64_t n;

    n = count(db, "SELECT count(*) FROM units WHERE parent_id = ? AND active = 1",
              id, e);
    if (n < 0)
        return -1;
    if (n > 0)
        return err_set(e, ERR_CONFLICT, "active",
                       "unit: has %lld active child units; move or deactivate "
                       "them first",
                       (long long)n);
    n = count(db,
              "SELECT count(*) FROM assignments a JOIN cases c "
              "ON c.id = a.case_id WHERE a.unit_id = ? AND a.active = 1 AND "
              "c.status NOT IN ('closed', 'rejected', 'merged')",
              id, e);
    if (n < 0)
        return -1;
    if (n > 0)
        return err_set(e, ERR_CONFLICT, "active",
                       "unit: has %lld open cases; they must be closed or "
                       "re-dispatched first",
                       (long long)n);
    n = count(db,
              "SELECT count(*) FROM categories WHERE default_unit_id = ? AND "
              "active = 1",
              id, e);
    if (n < 0)
        return -1;
    if (n > 0)
        return err_set(e, ERR_CONFLICT, "active",
                       "unit: is the default unit of %lld categories; route "
                       "them elsewhere first",
                       (long long)n);
    return 0;
}

static int
unit_update_job(struct db *db, void *ctx, struct err *e)
{
    struct unit_job *j = ctx;
    struct unit_in *in = j->in;
    struct unit u;
    int rc;

    rc = unit_load(db, j->id, &u, e);
    if (rc <= 0)
        return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, NULL, "unit: not found");
    if (strcmp(u.kind, "platform") == 0 &&
        (in->set_kind || in->set_parent || (in->set_active && !in->active)))
        return err_set(e, ERR_VALIDATION, NULL,
                       "unit: the platform unit keeps its kind, place and "
                       "stays active");
    if (in->set_code && unit_code_taken(db, in->code, u.id, e) < 0)
        return -1;
    if (check_district(db, in, e) < 0)
        return -1;
    if (in->set_active && !in->active && u.active &&
        unit_can_deactivate(db, u.id, e) < 0)
        return -1;
    if (in->set_active && in->active && !u.active && u.parent_id) {
        struct unit p;

        rc = unit_load(db, u.parent_id, &p, e);
        if (rc < 0)
            return rc;
        if (rc == 1 && !p.active && !(in->set_parent && in->parent_id != p.id))
            return err_set(e, ERR_CONFLICT, "active",
                           "unit: its parent unit is inactive");
    }
    if (in->set_parent && unit_move(db, &u, in->parent_id, e) < 0)
        return -1;
    if ((in->set_code &&
         db_exec(db, e, "UPDATE units SET code = ? WHERE id = ?", "ti",
                 in->code, u.id) < 0) ||
        (in->set_name &&
         db_exec(db, e, "UPDATE units SET name = ? WHERE id = ?", "ti",
                 in->name, u.id) < 0) ||
        (in->set_kind &&
         db_exec(db, e, "UPDATE units SET kind = ? WHERE id = ?", "ti",
                 in->kind, u.id) < 0) ||
        (in->set_district &&
         db_exec(db, e, "UPDATE units SET district_code = ? WHERE id = ?",
                 "ti", in->district_code, u.id) < 0) ||
        (in->set_phone &&
         db_exec(db, e, "UPDATE units SET phone = ? WHERE id = ?", "ti",
                 in->phone, u.id) < 0) ||
        (in->set_contact &&
         db_exec(db, e, "UPDATE units SET contact = ? WHERE id = ?", "ti",
                 in->contact, u.id) < 0) ||
        (in->set_active &&
         db_exec(db, e, "UPDATE units SET active = ? WHERE id = ?", "bi",
                 in->active, u.id) < 0))
        return -1;
    if (in->set_hotlines)
        return replace_hotlines(db, u.id, in, e);
    return 0;
}

static int
respond_unit(struct resp *out, int status, int64_t id, struct err *e)
{
    struct db *db = db_thread(e);
    json_t *j;
    int rc;

    if (!db)
        return -1;
    rc = unit_json(db, id, &j, e);
    if (rc <= 0)
        return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, NULL, "unit: not found");
    resp_json(out, status, j);
    return 0;
}

int
h_units_create(struct req *r, struct resp *out, struct err *e)
{
    struct unit_in in;
    struct unit_job j = {&in, 0, time_now()};
    struct db *db;

    if (parse_unit(r->json, 1, &in, e) < 0)
        return -1;
    db = db_thread(e);
    if (!db || audit_db_write(db, unit_create_job, &j, &(struct audit_change){r->user, AUDIT_UNIT_CHANGE, "unit", &j.id, "create", r->json}, e) < 0)
        return -1;
    log_info("msg=unit_created unit_id=%lld by=%lld", (long long)j.id,
             (long long)r->user->id);
    return respond_unit(out, 201, j.id, e);
}

int
h_units_update(struct req *r, struct resp *out, struct err *e)
{
    struct unit_in in;
    struct unit_job j = {&in, 0, time_now()};
    struct db *db;

    if (path_id(r, &j.id, "unit", e) < 0 || parse_unit(r->json, 0, &in, e) < 0)
        return -1;
    db = db_thread(e);
    if (!db || audit_db_write(db, unit_update_job, &j, &(struct audit_change){r->user, AUDIT_UNIT_CHANGE, "unit", &j.id, "update", r->json}, e) < 0)
        return -1;
    log_info("msg=unit_updated unit_id=%lld by=%lld", (long long)j.id,
             (long long)r->user->id);
    return respond_unit(out, 200, j.id, e);
}

/* RULE unit-delete */
static int
unit_delete_job(struct db *db, void *ctx, struct err *e)
{
    static const struct {
        const char *sql, *what;
    } refs[] = {
        {"SELECT count(*) FROM units WHERE parent_id = ?", "child units"},
        {"SELECT count(*) FROM users WHERE unit_id = ?", "users"},
        {"SELECT count(*) FROM cases WHERE lead_unit_id = ?", "cases"},
        {"SELECT count(*) FROM assignments WHERE unit_id = ?", "cases"},
        {"SELECT count(*) FROM case_events WHERE actor_unit_id = ?", "cases"},
        {"SELECT count(*) FROM categories WHERE default_unit_id = ?",
         "categories"},
    };
    struct unit_job *j = ctx;
    struct unit u;
    int rc = unit_load(db, j->id, &u, e);

    if (rc <= 0)
        return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, NULL, "unit: not found");
    if (u.parent_id == 0)
        return err_set(e, ERR_CONFLICT, NULL, "unit: the root cannot go");
    for (size_t i = 0; i < ARRAY_SIZE(refs); i++) {
        int64_t n = count(db, refs[i].sql, u.id, e);

        if (n < 0)
            return -1;
        if (n > 0)
            return err_set(e, ERR_CONFLICT, NULL,
                           "unit: has %s; units with a history are "
                           "deactivated, never deleted",
                           refs[i].what);
    }
    if (db_exec(db, e, "DELETE FROM unit_hotlines WHERE unit_id = ?", "i",
                u.id) < 0 ||
        db_exec(db, e, "DELETE FROM units WHERE id = ?", "i", u.id) < 0)
        return -1;
    return 0;
}

int
h_units_delete(struct req *r, struct resp *out, struct err *e)
{
    struct unit_job j = {NULL, 0, time_now()};
    struct db *db;

    if (path_id(r, &j.id, "unit", e) < 0)
        return -1;
    db = db_thread(e);
    if (!db || audit_db_write(db, unit_delete_job, &j, &(struct audit_change){r->user, AUDIT_UNIT_CHANGE, "unit", &j.id, "delete", r->json}, e) < 0)
        return -1;
    log_info("msg=unit_deleted unit_id=%lld by=%lld", (long long)j.id,
             (long long)r->user->id);
    resp_json(out, 200, json_pack("{s:b}", "ok", 1));
    return 0;
}

/* ---- users ------------------------------------------------------------------ */

#define USER_COLS                                                              \
    "u.id, u.username, u.name, u.role, u.unit_id, n.code, n.name, "            \
    "COALESCE(u.phone, ''), u.active, u.created_at, "                          \
    "COALESCE(u.password_changed_at, 0), n.path "

static json_t *
user_row_json(struct db_stmt *st)
{
    return json_pack(
        "{s:I, s:s, s:s, s:s, s:I, s:{s:I, s:s, s:s}, s:s, s:b, s:o, s:o}",
        "id", (json_int_t)db_col_int(st, 0), "username", db_col_text(st, 1),
        "name", db_col_text(st, 2), "role", db_col_text(st, 3), "unit_id",
        (json_int_t)db_col_int(st, 4), "unit", "id",
        (json_int_t)db_col_int(st, 4), "code", db_col_text(st, 5), "name",
        db_col_text(st, 6), "phone", db_col_text(st, 7), "active",
        (int)db_col_int(st, 8), "created_at", jv_time_json(db_col_int(st, 9)),
        "password_changed_at", jv_time_json(db_col_int(st, 10)));
}

/* The caller may manage users of the unit with this path. */
static int
in_scope(const struct user *caller, const char *unit_path)
{
    return caller->role == ROLE_ADMIN ||
           (caller->role == ROLE_UNIT_ADMIN &&
            unit_path_within(unit_path, caller->unit_path));
}

/* Loads a user the caller may manage: 1 with *out (JSON) and the target's
 * role and unit path, 0 when missing or out of scope (invisible). */
static int
user_visible(struct db *db, const struct user *caller, int64_t id,
             json_t **out, char *role, size_t rolesz, struct err *e)
{
    struct db_stmt *st;
    int rc;

    st = db_query(db, e,
                  "SELECT " USER_COLS
                  "FROM users u JOIN units n ON n.id = u.unit_id "
                  "WHERE u.id = ?",
                  "i", id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1 && !in_scope(caller, db_col_text(st, 11)))
        rc = 0;
    if (rc == 1) {
        if (out)
            *out = user_row_json(st);
        if (role)
            snprintf(role, rolesz, "%s", db_col_text(st, 3));
    }
    db_reset(st);
    return rc;
}

int
h_users_list(struct req *r, struct resp *out, struct err *e)
{
    const char *role = req_query(r, "role"), *q = req_query(r, "q"),
               *active = req_query(r, "active");
    int64_t unit_id, page, per_page, total = 0, act = -1;
    char like[300], qlike[140];
    struct db_stmt *st;
    struct db *db;
    enum role rr;
    json_t *items;
    int rc;

    if (req_query_int(r, "unit_id", 0, INT64_MAX, 0, &unit_id, e) < 0 ||
        req_query_int(r, "page", 1, 100000, 1, &page, e) < 0 ||
        req_query_int(r, "per_page", 1, PER_PAGE_MAX, 20, &per_page, e) < 0)
        return -1;
    if (role && role_parse(role, &rr) < 0)
        return err_set(e, ERR_VALIDATION, "role", "role: no role '%s'", role);
    if (active) {
        if (strcmp(active, "1") == 0 || strcmp(active, "true") == 0)
            act = 1;
        else if (strcmp(active, "0") == 0 || strcmp(active, "false") == 0)
            act = 0;
        else
            return err_set(e, ERR_VALIDATION, "active",
                           "active: must be 1, 0, true or false");
    }
    if (q && strlen(q) > 64)
        return err_set(e, ERR_VALIDATION, "q", "q: at most 64 bytes");
    /* RULE user-admin-scope: a unit_admin sees their own subtree. */
    snprintf(like, sizeof(like), "%s%%",
             r->user->role == ROLE_ADMIN ? "/" : r->user->unit_path);
    if (q && *q) {
        size_t k = 0;

        for (const char *p = q; *p && k < sizeof(qlike) - 3; p++) {
            if (*p == '%' || *p == '_' || *p == '\\')
                qlike[k++] = '\\';
            qlike[k++] = *p;
        }
        qlike[k] = '\0';
    }
    db = db_thread(e);
    if (!db)
        return -1;
#define USER_FILTER                                                            \
    "FROM users u JOIN units n ON n.id = u.unit_id WHERE n.path LIKE ? "       \
    "AND (CAST(? AS BIGINT) = 0 OR u.unit_id = ?) "                            \
    "AND (CAST(? AS TEXT) IS NULL OR u.role = ?) "                             \
    "AND (CAST(? AS BIGINT) < 0 OR u.active = ?) "                             \
    "AND (CAST(? AS TEXT) IS NULL OR lower(u.username) LIKE "                  \
    "lower('%' || ? || '%') ESCAPE '\\' OR u.name LIKE '%' || ? || '%' "       \
    "ESCAPE '\\') "
    const char *qq = q && *q ? qlike : NULL;
    if (db_query_int(db, e, &total, "SELECT count(*) " USER_FILTER,
                     "tiittiittt", like, unit_id, unit_id, role, role, act, act,
                     qq, qq, qq) < 0)
        return -1;
    st = db_query(db, e,
                  "SELECT " USER_COLS USER_FILTER
                  "ORDER BY n.path, u.username LIMIT ? OFFSET ?",
                  "tiittiitttii", like, unit_id, unit_id, role, role, act, act,
                  qq, qq, qq, per_page, (page - 1) * per_page);
#undef USER_FILTER
    if (!st)
        return -1;
    items = json_array();
    while ((rc = db_step(st, e)) > 0)
        json_array_append_new(items, user_row_json(st));
    db_reset(st);
    if (rc < 0) {
        json_decref(items);
        return rc;
    }
    resp_json(out, 200,
              json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
                        (json_int_t)total, "page", (json_int_t)page,
                        "per_page", (json_int_t)per_page));
    return 0;
}

static int
respond_user(struct req *r, struct resp *out, int status, int64_t id,
             struct err *e)
{
    struct db *db = db_thread(e);
    json_t *j;
    int rc;

    if (!db)
        return -1;
    rc = user_visible(db, r->user, id, &j, NULL, 0, e);
    if (rc <= 0)
        return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, NULL, "user: not found");
    resp_json(out, status, j);
    return 0;
}

int
h_users_get(struct req *r, struct resp *out, struct err *e)
{
    int64_t id;

    if (path_id(r, &id, "user", e) < 0)
        return -1;
    return respond_user(r, out, 200, id, e);
}

/* RULE user-admin-scope + RULE user-role-unit for a (role, unit) pair. */
static int
check_role_unit(struct db *db, const struct user *caller, const char *role,
                int64_t unit_id, struct err *e)
{
    struct unit u;
    enum role rr;
    int rc;

    if (role_parse(role, &rr) < 0)
        return err_set(e, ERR_VALIDATION, "role", "role: no role '%s'", role);
    rc = unit_load(db, unit_id, &u, e);
    if (rc < 0)
        return rc;
    if (rc == 0 || !u.active)
        return err_set(e, ERR_VALIDATION, "unit_id",
                       "unit_id: no active unit %lld", (long long)unit_id);
    if (caller->role != ROLE_ADMIN) {
        if (rr != ROLE_HANDLER && rr != ROLE_UNIT_ADMIN)
            return err_set(e, ERR_FORBIDDEN, "role",
                           "role: a unit administrator grants only handler "
                           "and unit_admin");
        if (!unit_path_within(u.path, caller->unit_path))
            return err_set(e, ERR_FORBIDDEN, "unit_id",
                           "unit_id: outside your own unit");
    }
    if (role_is_platform(rr) != (strcmp(u.kind, "platform") == 0))
        return err_set(e, ERR_VALIDATION, "unit_id",
                       role_is_platform(rr)
                           ? "unit_id: platform roles belong to the platform "
                             "unit"
                           : "unit_id: unit roles belong to a handling unit, "
                             "not the platform");
    return 0;
}

int
admin_user_insert(struct db *db, const struct user_new *u, int64_t now,
                  int64_t *id, struct err *e)
{
    int64_t other;
    int rc = db_query_int(db, e, &other,
                          "SELECT id FROM users WHERE lower(username) = "
                          "lower(?)",
                          "t", u->username);

    if (rc < 0)
        return rc;
    if (rc == 1)
        return err_set(e, ERR_CONFLICT, "username", "username: '%s' is taken",
                       u->username);
    rc = db_query_int(db, e, id,
                      "INSERT INTO users (username, name, role, unit_id, "
                      "password_hash, phone, active, created_at, "
                      "password_changed_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
                      "tttittii", u->username, u->name, u->role, u->unit_id,
                      u->hash, u->phone, now, now);
    if (rc == 0)
        return err_set(e, ERR_INTERNAL, NULL, "users: no id returned");
    return rc < 0 ? rc : 0;
}

int
admin_user_set_password(struct db *db, int64_t id, const char *hash,
                        int64_t keep_session, int64_t now, struct err *e)
{
    int64_t n = db_exec(db, e,
                        "UPDATE users SET password_hash = ?, "
                        "password_changed_at = ? WHERE id = ?",
                        "tii", hash, now, id);

    if (n <= 0)
        return (int)n;
    if (db_exec(db, e, "DELETE FROM sessions WHERE user_id = ? AND id <> ?",
                "ii", id, keep_session) < 0)
        return -1;
    return 1;
}

int
admin_user_disable(struct db *db, int64_t id, struct err *e)
{
    int64_t n = db_exec(db, e, "UPDATE users SET active = 0 WHERE id = ?", "i",
                        id);

    if (n <= 0)
        return (int)n;
    /* RULE user-disable: the sessions die with the account. */
    if (db_exec(db, e, "DELETE FROM sessions WHERE user_id = ?", "i", id) < 0)
        return -1;
    return 1;
}

struct user_job {
    const struct user *caller;
    struct user_new in;
    int64_t id, now;
    /* update */
    int set_name, set_role, set_unit, set_phone, set_active, active;
};

static int
user_create_job(struct db *db, void *ctx, struct err *e)
{
    struct user_job *j = ctx;

    if (check_role_unit(db, j->caller, j->in.role, j->in.unit_id, e) < 0)
        return -1;
    return admin_user_insert(db, &j->in, j->now, &j->id, e);
}

static int
username_ok(const char *s)
{
    return strlen(s) >= 3 && token_ok(s, "._-");
}

int
h_users_create(struct req *r, struct resp *out, struct err *e)
{
    static const char *const fields[] = {"username", "name",     "role",
                                         "unit_id",  "password", "phone"};
    struct user_job j;
    const char *password;
    char hash[PASSWORD_HASH_MAX];
    int role;
    struct db *db;

    memset(&j, 0, sizeof(j));
    j.caller = r->user;
    j.now = time_now();
    if (jv_only(r->json, "", fields, ARRAY_SIZE(fields), e) < 0 ||
        jv_str(r->json, "username", JV_REQUIRED, 64, &j.in.username, e) < 0 ||
        jv_str(r->json, "name", JV_REQUIRED, 50, &j.in.name, e) < 0 ||
        jv_enum(r->json, "role", JV_REQUIRED, role_list, ARRAY_SIZE(role_list),
                &role, e) < 0 ||
        jv_int(r->json, "unit_id", JV_REQUIRED, 1, INT64_MAX, &j.in.unit_id,
               e) < 0 ||
        jv_str(r->json, "password", JV_REQUIRED, PASSWORD_MAX_BYTES, &password,
               e) < 0 ||
        jv_str(r->json, "phone", JV_OPTIONAL, 32, &j.in.phone, e) < 0)
        return -1;
    j.in.role = role_list[role];
    if (!username_ok(j.in.username))
        return err_set(e, ERR_VALIDATION, "username",
                       "username: 3-64 letters, digits, '.', '_' or '-'");
    /* Scope before the (slow) hash; the job checks again in its
     * transaction. */
    db = db_thread(e);
    if (!db || check_role_unit(db, r->user, j.in.role, j.in.unit_id, e) < 0)
        return -1;
    if (password_check(password, j.in.username, "password", e) < 0)
        return -1;
    if (password_hash(password, hash) < 0)
        return err_set(e, ERR_INTERNAL, NULL, "password: cannot hash");
    j.in.hash = hash;
    if (audit_db_write(db, user_create_job, &j, &(struct audit_change){r->user, AUDIT_USER_CHANGE, "user", &j.id, "create", r->json}, e) < 0)
        return -1;
    log_info("msg=user_created user_id=%lld role=%s by=%lld", (long long)j.id,
             j.in.role, (long long)r->user->id);
    return respond_user(r, out, 201, j.id, e);
}

static int
user_update_job(struct db *db, void *ctx, struct err *e)
{
    struct user_job *j = ctx;
    char role[16];
    json_t *cur;
    int rc;

    rc = user_visible(db, j->caller, j->id, &cur, role, sizeof(role), e);
    if (rc <= 0)
        return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, NULL, "user: not found");
    if (!j->set_role) {
        enum role rr;

        if (role_parse(role, &rr) < 0)
            BUG("user %lld has an unknown role", (long long)j->id);
        j->in.role = role_name(rr);
    }
    if (!j->set_unit)
        j->in.unit_id = json_integer_value(json_object_get(cur, "unit_id"));
    json_decref(cur);
    /* RULE user-admin-scope: a unit_admin cannot touch a platform user
     * (cannot be in their subtree anyway) nor keep/give a platform role. */
    if ((j->set_role || j->set_unit) &&
        check_role_unit(db, j->caller, j->in.role, j->in.unit_id, e) < 0)
        return -1;
    if (j->caller->role != ROLE_ADMIN && strcmp(role, "handler") != 0 &&
        strcmp(role, "unit_admin") != 0)
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "user: a unit administrator manages unit users only");
    if ((j->set_name &&
         db_exec(db, e, "UPDATE users SET name = ? WHERE id = ?", "ti",
                 j->in.name, j->id) < 0) ||
        (j->set_phone &&
         db_exec(db, e, "UPDATE users SET phone = ? WHERE id = ?", "ti",
                 j->in.phone, j->id) < 0) ||
        (j->set_role &&
         db_exec(db, e, "UPDATE users SET role = ? WHERE id = ?", "ti",
                 j->in.role, j->id) < 0) ||
        (j->set_unit &&
         db_exec(db, e, "UPDATE users SET unit_id = ? WHERE id = ?", "ii",
                 j->in.unit_id, j->id) < 0))
        return -1;
    if (j->set_active) {
        if (!j->active)
            return admin_user_disable(db, j->id, e) < 0 ? -1 : 0;
        if (db_exec(db, e, "UPDATE users SET active = 1 WHERE id = ?", "i",
                    j->id) < 0)
            return -1;
    }
    return 0;
}

int
h_users_update(struct req *r, struct resp *out, struct err *e)
{
    static const char *const fields[] = {"name", "role", "unit_id", "phone",
                                         "active"};
    struct user_job j;
    struct db *db;
    int role, rc;

    memset(&j, 0, sizeof(j));
    j.caller = r->user;
    j.now = time_now();
    /* Decision order: an invisible user is 404 before the body is read. */
    if (path_id(r, &j.id, "user", e) < 0)
        return -1;
    db = db_thread(e);
    if (!db)
        return -1;
    rc = user_visible(db, r->user, j.id, NULL, NULL, 0, e);
    if (rc <= 0)
        return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, NULL, "user: not found");
    if (jv_only(r->json, "", fields, ARRAY_SIZE(fields), e) < 0)
        return -1;
    if (has(r->json, "name")) {
        if (jv_str(r->json, "name", JV_REQUIRED, 50, &j.in.name, e) < 0)
            return -1;
        j.set_name = 1;
    }
    if (has(r->json, "role")) {
        if (jv_enum(r->json, "role", JV_REQUIRED, role_list,
                    ARRAY_SIZE(role_list), &role, e) < 0)
            return -1;
        j.in.role = role_list[role];
        j.set_role = 1;
    }
    if (has(r->json, "unit_id")) {
        if (jv_int(r->json, "unit_id", JV_REQUIRED, 1, INT64_MAX,
                   &j.in.unit_id, e) < 0)
            return -1;
        j.set_unit = 1;
    }
    if (has(r->json, "phone")) {
        if (jv_str(r->json, "phone", JV_OPTIONAL, 32, &j.in.phone, e) < 0)
            return -1;
        j.set_phone = 1;
    }
    if (has(r->json, "active")) {
        if (jv_bool(r->json, "active", JV_REQUIRED, &j.active, e) < 0)
            return -1;
        j.set_active = 1;
    }
    /* RULE user-self */
    if (j.id == r->user->id &&
        ((j.set_active && !j.active) ||
         (j.set_role && strcmp(j.in.role, role_name(r->user->role)) != 0) ||
         (j.set_unit && j.in.unit_id != r->user->unit_id)))
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "user: you may not disable yourself or change your own "
                       "role or unit");
    db = db_thread(e);
    if (!db || audit_db_write(db, user_update_job, &j, &(struct audit_change){r->user, AUDIT_USER_CHANGE, "user", &j.id, "update", r->json}, e) < 0)
        return -1;
    log_info("msg=user_updated user_id=%lld by=%lld", (long long)j.id,
             (long long)r->user->id);
    return respond_user(r, out, 200, j.id, e);
}

struct passwd_job {
    const struct user *caller;
    int64_t id, now;
    const char *hash;
};

static int
user_passwd_job(struct db *db, void *ctx, struct err *e)
{
    struct passwd_job *j = ctx;
    char role[16];
    int rc = user_visible(db, j->caller, j->id, NULL, role, sizeof(role), e);

    if (rc <= 0)
        return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, NULL, "user: not found");
    if (j->caller->role != ROLE_ADMIN && strcmp(role, "handler") != 0 &&
        strcmp(role, "unit_admin") != 0)
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "user: a unit administrator manages unit users only");
    /* RULE user-disable: a reset ends every session of the user. */
    return admin_user_set_password(db, j->id, j->hash, 0, j->now, e) < 0 ? -1
                                                                          : 0;
}

int
h_users_password(struct req *r, struct resp *out, struct err *e)
{
    static const char *const fields[] = {"password"};
    struct passwd_job j = {r->user, 0, time_now(), NULL};
    char hash[PASSWORD_HASH_MAX], uname[64];
    const char *password;
    struct db_stmt *st;
    struct db *db;
    int rc;

    /* Decision order: an invisible user is 404 before the body is read. */
    if (path_id(r, &j.id, "user", e) < 0)
        return -1;
    db = db_thread(e);
    if (!db)
        return -1;
    rc = user_visible(db, r->user, j.id, NULL, NULL, 0, e);
    if (rc <= 0)
        return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, NULL, "user: not found");
    if (jv_only(r->json, "", fields, ARRAY_SIZE(fields), e) < 0 ||
        jv_str(r->json, "password", JV_REQUIRED, PASSWORD_MAX_BYTES, &password,
               e) < 0)
        return -1;
    st = db_query(db, e, "SELECT username FROM users WHERE id = ?", "i", j.id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1)
        snprintf(uname, sizeof(uname), "%s", db_col_text(st, 0));
    db_reset(st);
    if (rc <= 0)
        return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, NULL, "user: not found");
    if (password_check(password, uname, "password", e) < 0)
        return -1;
    if (password_hash(password, hash) < 0)
        return err_set(e, ERR_INTERNAL, NULL, "password: cannot hash");
    j.hash = hash;
    if (audit_db_write(db, user_passwd_job, &j, &(struct audit_change){r->user, AUDIT_USER_CHANGE, "user", &j.id, "password", r->json}, e) < 0)
        return -1;
    log_info("msg=password_reset user_id=%lld by=%lld", (long long)j.id,
             (long long)r->user->id);
    resp_json(out, 200, json_pack("{s:b}", "ok", 1));
    return 0;
}

/* ---- categories --------------------------------------------------------------- */

struct cat_job {
    int set_code, set_name, set_parent, set_unit, set_active;
    const char *code, *name;
    int64_t parent_id, default_unit_id, id;
    int active;
};

static int
cat_json(struct db *db, int64_t id, json_t **out, struct err *e)
{
    struct db_stmt *st;
    int rc;

    st = db_query(db, e,
                  "SELECT id, COALESCE(parent_id, 0), code, name, "
                  "COALESCE(default_unit_id, 0), active FROM categories "
                  "WHERE id = ?",
                  "i", id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1)
        *out = json_pack("{s:I, s:o, s:s, s:s, s:o, s:b}", "id",
                         (json_int_t)db_col_int(st, 0), "parent_id",
                         nullable_int(db_col_int(st, 1)), "code",
                         db_col_text(st, 2), "name", db_col_text(st, 3),
                         "default_unit_id", nullable_int(db_col_int(st, 4)),
                         "active", (int)db_col_int(st, 5));
    db_reset(st);
    return rc;
}

static int
parse_cat(json_t *j, int create, struct cat_job *c, struct err *e)
{
    static const char *const fields[] = {"code", "name", "parent_id",
                                         "default_unit_id", "active"};

    memset(c, 0, sizeof(*c));
    if (jv_only(j, "", fields, ARRAY_SIZE(fields), e) < 0)
        return -1;
    if (create || has(j, "code")) {
        if (jv_str(j, "code", JV_REQUIRED, 16, &c->code, e) < 0)
            return -1;
        if (!token_ok(c->code, "_-"))
            return err_set(e, ERR_VALIDATION, "code",
                           "code: letters, digits, '_' and '-' only");
        c->set_code = 1;
    }
    if (create || has(j, "name")) {
        if (jv_str(j, "name", JV_REQUIRED, 50, &c->name, e) < 0)
            return -1;
        c->set_name = 1;
    }
    if (has(j, "parent_id")) {
        if (jv_int(j, "parent_id", JV_OPTIONAL, 1, INT64_MAX, &c->parent_id,
                   e) < 0)
            return -1;
        c->set_parent = 1;
    }
    if (has(j, "default_unit_id")) {
        if (jv_int(j, "default_unit_id", JV_OPTIONAL, 1, INT64_MAX,
                   &c->default_unit_id, e) < 0)
            return -1;
        c->set_unit = 1;
    }
    if (has(j, "active")) {
        if (create)
            return err_set(e, ERR_VALIDATION, "active",
                           "active: new categories are active");
        if (jv_bool(j, "active", JV_REQUIRED, &c->active, e) < 0)
            return -1;
        c->set_active = 1;
    }
    return 0;
}

static int
cat_checks(struct db *db, struct cat_job *c, struct err *e)
{
    int64_t x;
    int rc;

    if (c->set_code) {
        rc = db_query_int(db, e, &x, "SELECT id FROM categories WHERE code = ?",
                          "t", c->code);
        if (rc < 0)
            return rc;
        if (rc == 1 && x != c->id)
            return err_set(e, ERR_CONFLICT, "code", "code: '%s' is taken",
                           c->code);
    }
    if (c->set_unit && c->default_unit_id) {
        rc = db_query_int(db, e, &x,
                          "SELECT id FROM units WHERE id = ? AND active = 1",
                          "i", c->default_unit_id);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return err_set(e, ERR_VALIDATION, "default_unit_id",
                           "default_unit_id: no active unit %lld",
                           (long long)c->default_unit_id);
    }
    if (c->set_parent && c->parent_id) {
        /* No cycles: walk up from the new parent. */
        int64_t p = c->parent_id;

        for (int depth = 0; p; depth++) {
            if (p == c->id || depth > 16)
                return err_set(e, ERR_VALIDATION, "parent_id",
                               "parent_id: cannot put a category under "
                               "itself or its own subcategory");
            rc = db_query_int(db, e, &x,
                              "SELECT COALESCE(parent_id, 0) FROM categories "
                              "WHERE id = ?",
                              "i", p);
            if (rc < 0)
                return rc;
            if (rc == 0)
                return err_set(e, ERR_VALIDATION, "parent_id",
                               "parent_id: no category %lld",
                               (long long)c->parent_id);
            p = x;
        }
    }
    if (c->set_active && !c->active && c->id) {
        x = count(db,
                  "SELECT count(*) FROM categories WHERE parent_id = ? AND "
                  "active = 1",
                  c->id, e);
        if (x < 0)
            return -1;
        if (x > 0)
            return err_set(e, ERR_CONFLICT, "active",
                           "category: has %lld active subcategories",
                           (long long)x);
    }
    return 0;
}

static int
cat_create_job(struct db *db, void *ctx, struct err *e)
{
    struct cat_job *c = ctx;
    int rc;

    if (cat_checks(db, c, e) < 0)
        return -1;
    rc = db_query_int(db, e, &c->id,
                      "INSERT INTO categories (parent_id, code, name, "
                      "default_unit_id) VALUES (?, ?, ?, ?) RETURNING id",
                      "zttz", c->parent_id, c->code, c->name,
                      c->default_unit_id);
    if (rc == 0)
        return err_set(e, ERR_INTERNAL, NULL, "categories: no id returned");
    return rc < 0 ? rc : 0;
}

static int
cat_update_job(struct db *db, void *ctx, struct err *e)
{
    struct cat_job *c = ctx;
    int64_t x;
    int rc = db_query_int(db, e, &x, "SELECT id FROM categories WHERE id = ?",
                          "i", c->id);

    if (rc <= 0)
        return rc < 0 ? rc
                      : err_set(e, ERR_NOT_FOUND, NULL, "category: not found");
    if (cat_checks(db, c, e) < 0)
        return -1;
    if ((c->set_code &&
         db_exec(db, e, "UPDATE categories SET code = ? WHERE id = ?", "ti",
                 c->code, c->id) < 0) ||
        (c->set_name &&
         db_exec(db, e, "UPDATE categories SET name = ? WHERE id = ?", "ti",
                 c->name, c->id) < 0) ||
        (c->set_parent &&
         db_exec(db, e, "UPDATE categories SET parent_id = ? WHERE id = ?",
                 "zi", c->parent_id, c->id) < 0) ||
        (c->set_unit &&
         db_exec(db, e,
                 "UPDATE categories SET default_unit_id = ? WHERE id = ?", "zi",
                 c->default_unit_id, c->id) < 0) ||
        (c->set_active &&
         db_exec(db, e, "UPDATE categories SET active = ? WHERE id = ?", "bi",
                 c->active, c->id) < 0))
        return -1;
    return 0;
}

static int
respond_cat(struct resp *out, int status, int64_t id, struct err *e)
{
    struct db *db = db_thread(e);
    json_t *j = NULL;
    int rc;

    if (!db)
        return -1;
    rc = cat_json(db, id, &j, e);
    if (rc <= 0)
        return rc < 0 ? rc
                      : err_set(e, ERR_NOT_FOUND, NULL, "category: not found");
    resp_json(out, status, j);
    return 0;
}

int
h_categories_create(struct req *r, struct resp *out, struct err *e)
{
    struct cat_job c;
    struct db *db;

    if (parse_cat(r->json, 1, &c, e) < 0)
        return -1;
    db = db_thread(e);
    if (!db || audit_db_write(db, cat_create_job, &c, &(struct audit_change){r->user, AUDIT_CATEGORY_CHANGE, "category", &c.id, "create", r->json}, e) < 0)
        return -1;
    log_info("msg=category_created category_id=%lld by=%lld", (long long)c.id,
             (long long)r->user->id);
    return respond_cat(out, 201, c.id, e);
}

int
h_categories_update(struct req *r, struct resp *out, struct err *e)
{
    struct cat_job c;
    int64_t id;
    struct db *db;

    if (path_id(r, &id, "category", e) < 0 ||
        parse_cat(r->json, 0, &c, e) < 0)
        return -1;
    c.id = id;
    db = db_thread(e);
    if (!db || audit_db_write(db, cat_update_job, &c, &(struct audit_change){r->user, AUDIT_CATEGORY_CHANGE, "category", &c.id, "update", r->json}, e) < 0)
        return -1;
    log_info("msg=category_updated category_id=%lld by=%lld", (long long)id,
             (long long)r->user->id);
    return respond_cat(out, 200, id, e);
}
