/* org.c — units, categories and districts: lookups and read endpoints. */
#include "common.h"

#include <stdio.h>

#include "org/admin.h" /* hotlines and contact on the unit list */
#include "org/org.h"
#include "org/user.h"

int
unit_load(struct db *db, int64_t id, struct unit *u, struct err *e)
{
    struct db_stmt *st;
    int rc;

    st = db_query(db, e,
                  "SELECT id, COALESCE(parent_id, 0), code, name, kind, path, "
                  "active FROM units WHERE id = ?",
                  "i", id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        memset(u, 0, sizeof(*u));
        u->id = db_col_int(st, 0);
        u->parent_id = db_col_int(st, 1);
        snprintf(u->code, sizeof(u->code), "%s", db_col_text(st, 2));
        snprintf(u->name, sizeof(u->name), "%s", db_col_text(st, 3));
        snprintf(u->kind, sizeof(u->kind), "%s", db_col_text(st, 4));
        snprintf(u->path, sizeof(u->path), "%s", db_col_text(st, 5));
        u->active = (int)db_col_int(st, 6);
    }
    db_reset(st);
    return rc;
}

int
unit_path_within(const char *inner, const char *outer)
{
    size_t n = strlen(outer);

    return n > 0 && strncmp(inner, outer, n) == 0;
}

int
category_find(struct db *db, const char *code, int64_t *id,
              int64_t *default_unit_id, struct err *e)
{
    struct db_stmt *st;
    int rc;

    st = db_query(db, e,
                  "SELECT id, COALESCE(default_unit_id, 0) FROM categories "
                  "WHERE code = ? AND active = 1",
                  "t", code);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        *id = db_col_int(st, 0);
        if (default_unit_id)
            *default_unit_id = db_col_int(st, 1);
    }
    db_reset(st);
    return rc;
}

int
district_exists(struct db *db, const char *code, struct err *e)
{
    int64_t one;

    return db_query_int(db, e, &one, "SELECT 1 FROM districts WHERE code = ?",
                        "t", code);
}

static json_t *
nullable_int(int64_t v)
{
    return v ? json_integer(v) : json_null();
}

/* Every row of st as one JSON value each; resets st. NULL on error. */
static json_t *
rows_json(struct db_stmt *st, json_t *(*row)(struct db_stmt *), struct err *e)
{
    json_t *items = json_array();
    int rc;

    while ((rc = db_step(st, e)) > 0)
        json_array_append_new(items, row(st));
    db_reset(st);
    if (rc < 0) {
        json_decref(items);
        return NULL;
    }
    return items;
}

static int
respond_items(struct resp *out, json_t *items)
{
    resp_json(out, 200, json_pack("{s:o}", "items", items));
    return 0;
}

static json_t *
unit_row(struct db_stmt *st)
{
    return json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "id",
                     (json_int_t)db_col_int(st, 0), "parent_id",
                     nullable_int(db_col_int(st, 1)), "code",
                     db_col_text(st, 2), "name", db_col_text(st, 3), "kind",
                     db_col_text(st, 4), "path", db_col_text(st, 5), "active",
                     (int)db_col_int(st, 6), "phone", db_col_text(st, 7),
                     "district_code", db_col_text(st, 8));
}

int
h_units_list(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct db_stmt *st;
    json_t *items;

    (void)r;
    if (!db)
        return -1;
    /* Ordering by path puts every parent before its children. */
    st = db_query(db, e,
                  "SELECT id, COALESCE(parent_id, 0), code, name, kind, path, "
                  "active, COALESCE(phone, ''), COALESCE(district_code, '') "
                  "FROM units ORDER BY path",
                  "");
    items = st ? rows_json(st, unit_row, e) : NULL;
    if (!items)
        return -1;
    if (admin_units_decorate(db, items, e) < 0) {
        json_decref(items);
        return -1;
    }
    return respond_items(out, items);
}

static json_t *
category_row(struct db_stmt *st)
{
    return json_pack("{s:I, s:o, s:s, s:s, s:o, s:b}", "id",
                     (json_int_t)db_col_int(st, 0), "parent_id",
                     nullable_int(db_col_int(st, 1)), "code",
                     db_col_text(st, 2), "name", db_col_text(st, 3),
                     "default_unit_id", nullable_int(db_col_int(st, 4)),
                     "active", (int)db_col_int(st, 5));
}

int
h_categories_list(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct db_stmt *st;
    json_t *items;
    /* ?all=1 lists inactive categories too, for administrators */
    const char *all = req_query(r, "all");
    int64_t with_inactive = all && strcmp(all, "1") == 0 && r->user &&
                            r->user->role == ROLE_ADMIN;

    if (!db)
        return -1;
    st = db_query(db, e,
                  "SELECT id, COALESCE(parent_id, 0), code, name, "
                  "COALESCE(default_unit_id, 0), active FROM categories "
                  "WHERE active = 1 OR CAST(? AS BIGINT) = 1 ORDER BY code",
                  "i", with_inactive);
    items = st ? rows_json(st, category_row, e) : NULL;
    return items ? respond_items(out, items) : -1;
}

static json_t *
public_category_row(struct db_stmt *st)
{
    return json_pack("{s:s, s:s?, s:s}", "code", db_col_text(st, 0),
                     "parent_code", db_col_text(st, 1), "name",
                     db_col_text(st, 2));
}

/* The public view names categories by code only: no internal ids. */
int
h_public_categories(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct db_stmt *st;
    json_t *items;

    (void)r;
    if (!db)
        return -1;
    st = db_query(db, e,
                  "SELECT c.code, p.code, c.name FROM categories c "
                  "LEFT JOIN categories p ON p.id = c.parent_id "
                  "WHERE c.active = 1 ORDER BY c.code",
                  "");
    items = st ? rows_json(st, public_category_row, e) : NULL;
    return items ? respond_items(out, items) : -1;
}

static json_t *
district_row(struct db_stmt *st)
{
    return json_pack("{s:s, s:s?, s:s, s:I}", "code", db_col_text(st, 0),
                     "parent_code", db_col_text(st, 1), "name",
                     db_col_text(st, 2), "level",
                     (json_int_t)db_col_int(st, 3));
}

int
h_districts_list(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct db_stmt *st;
    json_t *items;

    (void)r;
    if (!db)
        return -1;
    st = db_query(db, e,
                  "SELECT code, parent_code, name, level FROM districts "
                  "ORDER BY level, code",
                  "");
    items = st ? rows_json(st, district_row, e) : NULL;
    return items ? respond_items(out, items) : -1;
}
