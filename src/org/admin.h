/* admin.h — administration of units, users and categories (HTTP handlers
 * and their store), and the `hotline user` command.
 *
 * Rules (tags quoted by tests/api/admin.test.mjs):
 *   RULE unit-move: moving a unit rewrites the path of the unit and its whole
 *     subtree in one transaction; never under itself or a descendant.
 *   RULE unit-deactivate: a unit with active child units, open cases or
 *     categories routed to it cannot be deactivated (409).
 *   RULE unit-delete: only a unit that no case, assignment, user, category
 *     or child unit ever referenced may be deleted (409 otherwise).
 *   RULE user-admin-scope: admin manages every user; unit_admin only users
 *     of their own unit and below, and only the roles handler and
 *     unit_admin (403 outside; users outside are invisible: 404).
 *   RULE user-role-unit: platform roles belong to a platform unit, unit
 *     roles to a non-platform unit.
 *   RULE user-self: nobody disables their own account or changes their own
 *     role or unit (so at least one admin always remains).
 *   RULE user-disable: disabling a user or resetting their password ends
 *     every session of that user.
 */
#ifndef HOTLINE_ADMIN_H
#define HOTLINE_ADMIN_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "http/http.h"

struct config;

int h_units_create(struct req *r, struct resp *out, struct err *e);
int h_units_update(struct req *r, struct resp *out, struct err *e);
int h_units_delete(struct req *r, struct resp *out, struct err *e);

int h_users_list(struct req *r, struct resp *out, struct err *e);
int h_users_get(struct req *r, struct resp *out, struct err *e);
int h_users_create(struct req *r, struct resp *out, struct err *e);
int h_users_update(struct req *r, struct resp *out, struct err *e);
int h_users_password(struct req *r, struct resp *out, struct err *e);

int h_categories_create(struct req *r, struct resp *out, struct err *e);
int h_categories_update(struct req *r, struct resp *out, struct err *e);

/* Adds `contact` and `hotlines: [{number, note}]` to each item (by "id") of
 * the GET /api/v1/units list. */
int admin_units_decorate(struct db *db, json_t *items, struct err *e);

/* Store calls shared by the handlers and the command line. */
struct user_new {
    const char *username, *name, *role, *phone;
    int64_t unit_id;
    const char *hash; /* argon2id string */
};
int admin_user_insert(struct db *db, const struct user_new *u, int64_t now,
                      int64_t *id, struct err *e);
/* Sets the hash and ends every session of the user except keep_session
 * (0 = all). 1 done, 0 no such user. */
int admin_user_set_password(struct db *db, int64_t id, const char *hash,
                            int64_t keep_session, int64_t now, struct err *e);
/* Disables (active = 0) and ends the sessions. 1 done, 0 no such user. */
int admin_user_disable(struct db *db, int64_t id, struct err *e);

/* hotline user add|passwd|disable (org/cli.c). */
int cmd_user(const struct config *cfg, char **rest, int nrest, struct err *e);

#endif
