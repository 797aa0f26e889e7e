/* store.h — what cases/ shares between its store, view and handlers. */
#ifndef HOTLINE_CASE_STORE_H
#define HOTLINE_CASE_STORE_H

#include <stdint.h>

#include "cases/lifecycle.h"
#include "db/db.h"
#include "org/user.h"

/* The columns of a case the lifecycle needs. */
struct case_row {
    int64_t id;
    char case_no[24];
    enum case_status status;
    char type[16];
    char urgency[16];
    int64_t lead_unit_id;
    int64_t category_id; /* 0 = none (time-limit rules key on it) */
    int64_t sign_due_at, due_at, dispatched_at, closed_at;
    char citizen_phone[32];
    int anonymous;
    char query_code[8];
};

/* Loads the case and what the caller's relation to it is. Returns 1 when
 * the case exists and the caller may see it, 0 when not (404: a unit never
 * learns that another unit's case exists), < 0 on error. u may be NULL (the
 * public): facts then say "no staff relation". */
int case_load_facts(struct db *db, const struct user *u, int64_t id,
                    int64_t now, struct case_row *row, struct case_facts *f,
                    struct err *e);

/* SQL fragment and binding for "the caller may see this case", used by lists:
 * unit roles see cases with an assignment in their unit's subtree. */
int case_user_sees_all(const struct user *u);

#endif
