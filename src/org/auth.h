/* auth.h — passwords, sessions and authenticating a request.
 *
 * Passwords: argon2id through libsodium's crypto_pwhash_str with the
 * INTERACTIVE limits (ops 2, 64 MiB), documented in docs/security.md.
 * Sessions: a random 32-byte token (hex) handed to the client; only its
 * BLAKE2b hash is stored, so a database leak does not leak live sessions.
 */
#ifndef HOTLINE_AUTH_H
#define HOTLINE_AUTH_H

#include <stdint.h>

#include "db/db.h"
#include "http/http.h"
#include "org/user.h"

#define PASSWORD_HASH_MAX 128

/* 0 on success. out gets the encoded argon2id string. */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
/* 1 if the password matches the hash, 0 if not. */
int password_verify(const char *password, const char *hash);

/* Looks up the caller from `Authorization: Bearer <token>` or the `session`
 * cookie. Returns 1 and fills *u when a live session is found, 0 when the
 * request carries no credentials, < 0 (unauthorized) for a dead or unknown
 * token. For cookie sessions on non-GET requests, X-CSRF-Token must match
 * (403 forbidden otherwise). Touches last_seen_at. */
int auth_request(struct req *r, struct user *u, struct err *e);

/* Loads a user (with unit path/name) by id. 1 found, 0 not, < 0 error. */
int user_load(struct db *db, int64_t id, struct user *u, struct err *e);

/* Route handlers (org/auth.c). */
int h_auth_login(struct req *r, struct resp *out, struct err *e);
int h_auth_me(struct req *r, struct resp *out, struct err *e);
int h_auth_logout(struct req *r, struct resp *out, struct err *e);
/* POST /auth/logout-all (every session of the caller) and
 * POST /auth/password {old_password, new_password} (other sessions end). */
int h_auth_logout_all(struct req *r, struct resp *out, struct err *e);
int h_auth_password(struct req *r, struct resp *out, struct err *e);

#endif
