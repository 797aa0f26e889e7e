/* org.h — units, categories and districts: lookups and read endpoints. */
#ifndef HOTLINE_ORG_H
#define HOTLINE_ORG_H

#include <stdint.h>

#include "db/db.h"
#include "http/http.h"

struct unit {
    int64_t id;
    int64_t parent_id;
    char code[64];
    char name[128];
    char kind[16];
    char path[256];
    int active;
};

/* 1 found, 0 not, < 0 error. */
int unit_load(struct db *db, int64_t id, struct unit *u, struct err *e);
/* 1 when the unit with path `inner` is the unit `outer` or below it. */
int unit_path_within(const char *inner, const char *outer);

/* Resolves a category code to its id (and default unit). */
int category_find(struct db *db, const char *code, int64_t *id,
                  int64_t *default_unit_id, struct err *e);
int district_exists(struct db *db, const char *code, struct err *e);

int h_units_list(struct req *r, struct resp *out, struct err *e);
int h_categories_list(struct req *r, struct resp *out, struct err *e);
int h_districts_list(struct req *r, struct resp *out, struct err *e);
int h_public_categories(struct req *r, struct resp *out, struct err *e);

#endif
