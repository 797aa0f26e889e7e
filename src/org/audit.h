/* audit.h — the append-only, hash-chained audit log (docs/audit.md).
 *
 * Every row carries prev_hash (the previous row's hash) and its own hash:
 * SHA-256 over a canonical text of the row's fields and prev_hash
 * (audit_hash). Editing, deleting or reordering a row breaks the chain;
 * audit_verify finds the first broken row; audit_head holds the last seq and
 * hash so cutting rows off the end shows too.
 *
 * Writing: audit_record appends inside the CALLER's write transaction (a
 * case action inside its savepoint of the group-commit batch, an admin change
 * inside its own transaction), so the entry and the change commit together.
 * The chain stays linear because every append first updates the audit_head
 * row: on SQLite all writes are serialised (BEGIN IMMEDIATE / the one writer
 * thread), on PostgreSQL the row lock on audit_head serialises appenders.
 * Code outside a write transaction (logins, views of personal data on a read
 * path) uses audit_write, which goes through db_write.
 *
 * Detail JSON holds ids, codes and statuses — never a citizen's name, phone,
 * address or free text (RULE audit-no-personal-data).
 */
#ifndef HOTLINE_AUDIT_H
#define HOTLINE_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "http/http.h"
#include "org/user.h"

#define AUDIT_HASH_HEX 65 /* 64 hex digits + NUL */

/* Kinds of entry; the API filters by these names. */
#define AUDIT_LOGIN_OK "login_ok"
#define AUDIT_LOGIN_FAILED "login_failed"
#define AUDIT_LOGOUT "logout"
#define AUDIT_UNIT_CHANGE "unit_change"
#define AUDIT_USER_CHANGE "user_change"
#define AUDIT_CATEGORY_CHANGE "category_change"
#define AUDIT_SETTINGS_CHANGE "settings_change"
#define AUDIT_CASE_CREATE "case_create"
#define AUDIT_CASE_ACTION "case_action"
#define AUDIT_PERSONAL_DATA_VIEW "personal_data_view"

extern const char *const audit_kinds[];
extern const size_t audit_nkinds;

/* One row as hashed. Strings may be NULL; ids 0 mean "none" (NULL). */
struct audit_row {
    int64_t seq;
    int64_t at;
    int64_t actor_id;
    const char *actor_name;
    const char *actor_role;
    const char *client_ip;
    const char *kind;
    const char *target_type;
    int64_t target_id;
    int64_t case_id;
    const char *detail; /* compact JSON text with sorted keys, or NULL */
};

/* Pure: hex SHA-256 of the row's canonical text and prev_hash. */
void audit_hash(const struct audit_row *row, const char *prev_hash,
                char out[AUDIT_HASH_HEX]);

/* Appends an entry inside the caller's open write transaction. u is the
 * actor (NULL for a citizen, a channel or an unknown login name); ip the
 * client address (NULL: u->client_ip when u is given). detail is stolen
 * (may be NULL). Errors are the store's. */
int audit_record(struct db *db, const struct user *u, const char *ip,
                 const char *kind, const char *target_type, int64_t target_id,
                 int64_t case_id, json_t *detail, int64_t now, struct err *e);

/* The same through the group-commit writer (db_write), in a transaction of
 * its own: for code that is not inside a write transaction. */
int audit_write(struct db *db, const struct user *u, const char *ip,
                const char *kind, const char *target_type, int64_t target_id,
                int64_t case_id, json_t *detail, int64_t now, struct err *e);

/* A change to audit together with a write job (admin changes, settings). */
struct audit_change {
    const struct user *actor;
    const char *kind;         /* AUDIT_UNIT_CHANGE, AUDIT_SETTINGS_CHANGE, … */
    const char *target_type;  /* "unit", "user", "category", "calendar", … */
    const int64_t *target_id; /* read after the job ran (a create learns its
                                 id); NULL for none */
    const char *op;           /* "create", "update", "delete", "password", … */
    json_t *body;             /* the request body (borrowed): its KEYS are
                                 recorded as the changed fields, never values */
};

/* db_write(db, fn, ctx) with the audit entry of `c` appended in the same
 * transaction after fn succeeded: the change and its entry commit together.
 * A one-line replacement for db_write at a handler's call site. */
int audit_db_write(struct db *db, db_write_fn fn, void *ctx,
                   const struct audit_change *c, struct err *e);

/* Result of a chain check. */
struct audit_report {
    int64_t entries;       /* rows checked */
    int ok;                /* 1 = the whole chain holds */
    int64_t bad_id;        /* first broken row (id), 0 if the head is at fault */
    int64_t bad_seq;
    char why[256];
};

/* Walks the chain in seq order: seq must run 1, 2, 3 …, each prev_hash must
 * be the previous row's hash, each hash must match the row, and the head
 * must name the last row. 0 with *rep filled (rep->ok says whether it
 * holds), < 0 on a store error. */
int audit_verify(struct db *db, struct audit_report *rep, struct err *e);

/* GET /api/v1/audit (org/audit.c). */
int h_audit_list(struct req *r, struct resp *out, struct err *e);

/* `hotline audit verify`: prints "ok N entries" (0) or the first broken row
 * (exit 1 via < 0 with ERR_CONFLICT). */
int cmd_audit(const char *db_url, char **rest, int nrest, struct err *e);

#endif
