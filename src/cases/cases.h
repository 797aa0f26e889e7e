/* cases.h — creating cases and applying lifecycle actions (the store side).
 *
 * Every function here runs its own transaction: the case row, assignment
 * rows, the case_event row and any outbox row change together or not at all.
 * (db_begin nests, so a caller such as the demo seeder may wrap many calls in
 * one outer transaction.) `now` is passed in so the seeder can replay history
 * and tests can pin time. Permission and status checks come from the
 * lifecycle table (cases/lifecycle.h).
 */
#ifndef HOTLINE_CASES_H
#define HOTLINE_CASES_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "org/user.h"
#include "util/err.h"

struct case_new {
    const char *channel;       /* phone, web, app, ... */
    const char *type;          /* consult, help, ... (validated) */
    const char *urgency;       /* normal (default), urgent, emergency */
    const char *title;         /* NULL: derived from content */
    const char *content;
    const char *category_code; /* NULL or an existing category */
    const char *district_code; /* NULL or an existing district */
    const char *address;
    int has_geo;
    double lat, lng;
    const char *citizen_name;
    const char *citizen_phone;
    int anonymous;
    int confidential;
    const char *external_id;
    /* Idempotency-Key: when set, the key is recorded in the same
     * transaction; a repeated key returns the first case's id. */
    const char *idem_scope;
    const char *idem_key;
};

/* Reads and validates a case_new from a request body (strings point into
 * the JSON object, which must outlive *out). `public_form` limits the fields
 * to those the citizen portal may send. */
int case_new_from_json(json_t *body, int public_form, struct case_new *out,
                       struct err *e);

/* Creates a case. u is the staff user (NULL for a citizen or channel). Phone
 * cases created by staff start `accepted`, others `new`. */
int case_create(struct db *db, const struct user *u, const struct case_new *in,
                int64_t now, int64_t *id_out, struct err *e);
/* The case an Idempotency-Key already created: 1 found (*id set), 0 not. */
int case_idempotent(struct db *db, const char *scope, const char *key,
                    int64_t now, int64_t *id, struct err *e);

/* Applies an action by name ("dispatch", ...) with its JSON arguments.
 * 404 unknown action, 409 invalid_transition, 403 forbidden,
 * 400 validation_failed. */
int case_act(struct db *db, const struct user *u, int64_t case_id,
             const char *action, json_t *args, int64_t now, struct err *e);

/* Records a citizen's rating (public portal). */
int case_rate(struct db *db, int64_t case_id, const char *satisfaction,
              int resolved, const char *comment, int64_t now, struct err *e);

/* Resolves "123" or "JZ20261129000123" to an id. 1 found, 0 not, < 0 error. */
int case_resolve(struct db *db, const char *ref, int64_t *id, struct err *e);

#endif
