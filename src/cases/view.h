/* view.h — cases as JSON: list items, the detail, the citizen's view.
 * Masking of personal data happens here and only here. */
#ifndef HOTLINE_CASE_VIEW_H
#define HOTLINE_CASE_VIEW_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "org/user.h"

#define CASE_FILTER_STATUSES 9

struct case_filter {
    const char *statuses[CASE_FILTER_STATUSES];
    int nstatuses;
    const char *type, *channel, *urgency;
    const char *category_code; /* and its subtree */
    int64_t unit_id;           /* lead unit and its subtree */
    const char *district_code; /* the district or any street in it */
    const char *warning;       /* "yellow" | "red" */
    const char *q;             /* full-text query over title and content (text/search.h) */
    int64_t from, to;          /* created_at range, 0 = open */
    int64_t created_by;
    const char *phone;         /* a caller's history */
    const char *sort;          /* created_at, -created_at, deadline, -deadline */
    int64_t page, per_page;
};

/* {items, total, page, per_page} of what u may see. */
int case_list(struct db *db, const struct user *u, const struct case_filter *f,
              int64_t now, json_t **out, struct err *e);
/* The full case as u may see it, with `actions`. 1 ok, 0 not visible.
 * audit_view: record a view of the full identity (RULE
 * audit-personal-data-view); 0 only for the answer to the request that
 * created the case — its author typed the identity in, and the intake is
 * audited itself. */
int case_detail(struct db *db, const struct user *u, int64_t id, int64_t now,
                int audit_view, json_t **out, struct err *e);
/* What a citizen with the right query code sees. 1 ok, 0 no case. */
int case_public_view(struct db *db, int64_t id, int64_t now, json_t **out,
                     struct err *e);
/* Open cases on the same matter: same phone or same category + district in
 * the last 30 days. */
int case_similar(struct db *db, const struct user *u, int64_t id, int64_t now,
                 json_t **out, struct err *e);

/* Extension requests with a status, oldest first (the dispatcher's queue):
 * {items, total, page, per_page}. */
int extension_list(struct db *db, const char *status, int64_t page,
                   int64_t per_page, json_t **out, struct err *e);

#endif
