/* auth.c — passwords (argon2id), sessions and the login endpoints. */
#include "common.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>

#include "db/db.h"
#include "org/audit.h"
#include "org/auth.h"
#include "org/admin.h"    /* password store */
#include "org/password.h" /* password rules */
#include "org/throttle.h" /* session settings, login throttling */
#include "util/jsonv.h"
#include "util/timeutil.h"

/* Session lifetimes (--session-absolute, --session-idle; org/throttle.h).
 * Agents work 8-hour shifts: by default a session lives at most 12 hours and
 * dies after 4 idle hours. last_seen_at is written at most once a minute (or
 * a quarter of the idle time, if shorter) so reads stay reads. */
#define SESSION_ABSOLUTE (security()->session_absolute)
#define SESSION_IDLE (security()->session_idle)
#define SESSION_TOUCH (SESSION_IDLE / 4 < 60 ? SESSION_IDLE / 4 : 60)

#define TOKEN_BYTES 32
#define TOKEN_HEX (TOKEN_BYTES * 2 + 1)

static const char *const role_names[ROLE__COUNT] = {
    "agent", "dispatcher", "handler", "unit_admin",
    "supervisor", "leader", "admin",
};

const char *
role_name(enum role r)
{
    if ((unsigned)r >= ROLE__COUNT)
        BUG("role %d out of range", (int)r);
    return role_names[r];
}

int
role_parse(const char *s, enum role *out)
{
    for (int i = 0; i < ROLE__COUNT; i++) {
        if (strcmp(s, role_names[i]) == 0) {
            *out = (enum role)i;
            return 0;
        }
    }
    return -1;
}

int
role_is_platform(enum role r)
{
    return (ROLE_BIT(r) & ROLE_BITS_PLATFORM) != 0;
}

int
password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
    if (sodium_init() < 0)
        return -1;
    if (crypto_pwhash_str(out, password, strlen(password),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return -1;
    return 0;
}

int
password_verify(const char *password, const char *hash)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static void
random_hex(char *out, size_t nbytes)
{
    unsigned char raw[64];

    if (nbytes > sizeof(raw))
        BUG("random_hex: %zu bytes", nbytes);
    randombytes_buf(raw, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, raw, nbytes);
}

/* Sessions store only a hash of the token. */
static void
token_digest(const char *token, char out[65])
{
    unsigned char h[32];

    crypto_generichash(h, sizeof(h), (const unsigned char *)token,
                       strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

int
user_load(struct db *db, int64_t id, struct user *u, struct err *e)
{
    struct db_stmt *st;
    int rc;

    st = db_query(db, e,
                  "SELECT u.id, u.username, u.name, u.role, u.unit_id, "
                  "n.path, n.name, n.kind FROM users u "
                  "JOIN units n ON n.id = u.unit_id "
                  "WHERE u.id = ? AND u.active = 1",
                  "i", id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        memset(u, 0, sizeof(*u));
        u->id = db_col_int(st, 0);
        snprintf(u->username, sizeof(u->username), "%s", db_col_text(st, 1));
        snprintf(u->name, sizeof(u->name), "%s", db_col_text(st, 2));
        if (role_parse(db_col_text(st, 3), &u->role) < 0)
            BUG("user %lld has an unknown role", (long long)id);
        u->unit_id = db_col_int(st, 4);
        snprintf(u->unit_path, sizeof(u->unit_path), "%s", db_col_text(st, 5));
        snprintf(u->unit_name, sizeof(u->unit_name), "%s", db_col_text(st, 6));
        snprintf(u->unit_kind, sizeof(u->unit_kind), "%s", db_col_text(st, 7));
    }
    db_reset(st);
    return rc;
}

/* Token from "Authorization: Bearer x" or the session cookie. */
static const char *
request_token(struct req *r, int *via_cookie)
{
    const char *h = req_header(r, "Authorization");

    *via_cookie = 0;
    if (h) {
        if (strncasecmp(h, "Bearer ", 7) == 0)
            return h + 7;
        return "";
    }
    h = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "session");
    if (h && *h) {
        *via_cookie = 1;
        return h;
    }
    return NULL;
}

int
auth_request(struct req *r, struct user *u, struct err *e)
{
    struct db *db;
    struct db_stmt *st;
    const char *token, *csrf;
    char digest[65], session_csrf[TOKEN_HEX];
    int via_cookie, rc;
    int64_t session_id = 0, user_id = 0, last_seen = 0, now = time_now();

    token = request_token(r, &via_cookie);
    if (!token)
        return 0;
    if (strlen(token) != TOKEN_HEX - 1)
        return err_set(e, ERR_UNAUTHORIZED, NULL, "session: not a valid token");
    db = db_thread(e);
    if (!db)
        return -1;
    token_digest(token, digest);
    st = db_query(db, e,
                  "SELECT id, user_id, csrf_token, last_seen_at FROM sessions "
                  "WHERE token_hash = ? AND expires_at > ? AND last_seen_at > ?",
                  "tii", digest, now, now - SESSION_IDLE);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        session_id = db_col_int(st, 0);
        user_id = db_col_int(st, 1);
        snprintf(session_csrf, sizeof(session_csrf), "%s", db_col_text(st, 2));
        last_seen = db_col_int(st, 3);
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_UNAUTHORIZED, NULL,
                       "session: expired or logged out; log in again");

    if (via_cookie && strcmp(r->method, "GET") != 0 &&
        strcmp(r->method, "HEAD") != 0) {
        csrf = req_header(r, "X-CSRF-Token");
        if (!csrf || strlen(csrf) != TOKEN_HEX - 1 ||
            sodium_memcmp(csrf, session_csrf, TOKEN_HEX - 1) != 0)
            return err_set(e, ERR_FORBIDDEN, "X-CSRF-Token",
                           "X-CSRF-Token: missing or wrong for this session");
    }

    rc = user_load(db, user_id, u, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_UNAUTHORIZED, NULL, "session: user is disabled");
    u->session_id = session_id;
    u->via_cookie = via_cookie;
    snprintf(u->client_ip, sizeof(u->client_ip), "%s", r->client_ip ? r->client_ip : "");

    if (now - last_seen >= SESSION_TOUCH) {
        if (db_exec(db, e, "UPDATE sessions SET last_seen_at = ? WHERE id = ?",
                    "ii", now, session_id) < 0)
            return -1;
    }
    return 1;
}

static json_t *
user_json(const struct user *u)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "id",
                     (json_int_t)u->id, "username", u->username, "name",
                     u->name, "role", role_name(u->role), "unit_id",
                     (json_int_t)u->unit_id, "unit_name", u->unit_name,
                     "unit_kind", u->unit_kind);
}

/* A hash to verify against when the user does not exist, so a wrong
 * username costs the same time as a wrong password. */
static const char *
dummy_hash(void)
{
    static char hash[PASSWORD_HASH_MAX];
    static int ready;

    if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
        char tmp[PASSWORD_HASH_MAX];
        if (password_hash("no such user, no such password", tmp) == 0) {
            memcpy(hash, tmp, sizeof(hash));
            __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
        }
    }
    return hash;
}

int
h_auth_login(struct req *r, struct resp *out, struct err *e)
{
    static const char *const fields[] = {"username", "password"};
    struct db *db;
    struct db_stmt *st;
    struct user u;
    const char *username, *password;
    char hash[PASSWORD_HASH_MAX] = "", token[TOKEN_HEX], csrf[TOKEN_HEX],
         digest[65];
    int64_t user_id = 0, now = time_now();
    int rc, ok;
    json_t *body;

    if (jv_only(r->json, "", fields, ARRAY_SIZE(fields), e) < 0 ||
        jv_str(r->json, "username", JV_REQUIRED, 64, &username, e) < 0 ||
        jv_str(r->json, "password", JV_REQUIRED, 256, &password, e) < 0)
        return -1;
    db = db_thread(e);
    if (!db)
        return -1;
    /* RULE login-throttle (org/throttle.h): a locked account or
     * address gets 429 before any password is checked. */
    {
        int64_t retry;
        int locked = throttle_login_check(db, username, client_ip(r), now,
                                          &retry, e);

        if (locked < 0)
            return -1;
        if (locked) {
            log_info("msg=login_throttled ip=%s", client_ip(r));
            throttle_respond(r, out, retry,
                             "login: too many failed attempts; try again "
                             "later");
            return 0;
        }
    }
    st = db_query(db, e,
                  "SELECT id, password_hash FROM users "
                  "WHERE username = ? AND active = 1",
                  "t", username);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        user_id = db_col_int(st, 0);
        snprintf(hash, sizeof(hash), "%s", db_col_text(st, 1));
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    ok = password_verify(password, rc == 1 ? hash : dummy_hash()) && rc == 1;
    if (!ok) {
        /* RULE login-throttle (counted at the time of the answer) */
        if (throttle_login_failed(db, username, client_ip(r), time_now(),
                                  e) < 0)
            return -1;
        log_info("msg=login_failed user_known=%d ip=%s", rc == 1,
                 r->client_ip);
        if (audit_write(db, NULL, r->client_ip, AUDIT_LOGIN_FAILED, "user", user_id, 0, json_pack("{s:b}", "user_known", rc == 1), now, e) < 0) /* audit */
            return -1;
        return err_set(e, ERR_UNAUTHORIZED, NULL,
                       "login: invalid username or password");
    }
    rc = user_load(db, user_id, &u, e);
    if (rc <= 0)
        return rc < 0 ? rc
                      : err_set(e, ERR_UNAUTHORIZED, NULL,
                                "login: invalid username or password");
    if (throttle_login_succeeded(db, username, e) < 0)
        return -1; /* success clears the account's counter */

    random_hex(token, TOKEN_BYTES);
    random_hex(csrf, TOKEN_BYTES);
    token_digest(token, digest);
    if (db_exec(db, e,
                "INSERT INTO sessions (token_hash, csrf_token, user_id, "
                "created_at, last_seen_at, expires_at, client_ip) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                "ttiiiit", digest, csrf, u.id, now, now, now + SESSION_ABSOLUTE,
                r->client_ip) < 0)
        return -1;
    log_info("msg=login user_id=%lld role=%s", (long long)u.id,
             role_name(u.role));
    snprintf(u.client_ip, sizeof(u.client_ip), "%s", r->client_ip ? r->client_ip : "");
    if (audit_write(db, &u, NULL, AUDIT_LOGIN_OK, "user", u.id, 0, NULL, now, e) < 0) /* audit */
        return -1;

    body = json_pack("{s:s, s:s, s:o}", "token", token, "csrf_token", csrf,
                     "user", user_json(&u));
    resp_header(out, "Set-Cookie",
                arena_printf(r->arena,
                             "session=%s; HttpOnly; SameSite=Strict; Path=/; "
                             "Max-Age=%lld%s",
                             token, (long long)SESSION_ABSOLUTE,
                             request_is_tls(r) ? "; Secure" : ""));
    resp_json(out, 200, body);
    return 0;
}

int
h_auth_me(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct db_stmt *st;
    json_t *body;
    int rc;

    if (!db)
        return -1;
    st = db_query(db, e, "SELECT csrf_token FROM sessions WHERE id = ?", "i",
                  r->user->session_id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    body = json_pack("{s:o, s:s?}", "user", user_json(r->user), "csrf_token",
                     rc == 1 ? db_col_text(st, 0) : NULL);
    db_reset(st);
    if (rc < 0) {
        json_decref(body);
        return rc;
    }
    resp_json(out, 200, body);
    return 0;
}

int
h_auth_logout(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);

    if (!db)
        return -1;
    if (db_exec(db, e, "DELETE FROM sessions WHERE id = ?", "i",
                r->user->session_id) < 0)
        return -1;
    if (audit_write(db, r->user, NULL, AUDIT_LOGOUT, "user", r->user->id, 0, NULL, time_now(), e) < 0) /* audit */
        return -1;
    resp_header(out, "Set-Cookie",
                request_is_tls(r) ? "session=; HttpOnly; SameSite=Strict; "
                                    "Path=/; Max-Age=0; Secure"
                                  : "session=; HttpOnly; SameSite=Strict; "
                                    "Path=/; Max-Age=0");
    resp_json(out, 200, json_pack("{s:b}", "ok", 1));
    return 0;
}

/* ---- log out everywhere, change one's own password ------------------ */

static int
logout_all_job(struct db *db, void *ctx, struct err *e)
{
    const struct user *u = ctx;

    return db_exec(db, e, "DELETE FROM sessions WHERE user_id = ?", "i",
                   u->id) < 0
               ? -1
               : 0;
}

int
h_auth_logout_all(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);

    if (!db || db_write(db, logout_all_job, r->user, e) < 0)
        return -1;
    log_info("msg=logout_all user_id=%lld", (long long)r->user->id);
    resp_header(out, "Set-Cookie",
                request_is_tls(r) ? "session=; HttpOnly; SameSite=Strict; "
                                    "Path=/; Max-Age=0; Secure"
                                  : "session=; HttpOnly; SameSite=Strict; "
                                    "Path=/; Max-Age=0");
    resp_json(out, 200, json_pack("{s:b}", "ok", 1));
    return 0;
}

struct password_job {
    const struct user *u;
    const char *hash;
    int64_t now;
};

static int
password_job(struct db *db, void *ctx, struct err *e)
{
    struct password_job *j = ctx;

    /* The caller's session stays; every other session of theirs ends. */
    return admin_user_set_password(db, j->u->id, j->hash, j->u->session_id,
                                   j->now, e) < 0
               ? -1
               : 0;
}

int
h_auth_password(struct req *r, struct resp *out, struct err *e)
{
    static const char *const fields[] = {"old_password", "new_password"};
    char hash[PASSWORD_HASH_MAX] = "", newhash[PASSWORD_HASH_MAX];
    const char *old, *pw;
    struct password_job j;
    struct db_stmt *st;
    int64_t retry, now = time_now();
    struct db *db;
    int rc;

    if (jv_only(r->json, "", fields, ARRAY_SIZE(fields), e) < 0 ||
        jv_str(r->json, "old_password", JV_REQUIRED, 256, &old, e) < 0 ||
        jv_str(r->json, "new_password", JV_REQUIRED, PASSWORD_MAX_BYTES, &pw,
               e) < 0)
        return -1;
    db = db_thread(e);
    if (!db)
        return -1;
    /* A stolen session must not become a password oracle: the old password
     * is checked under the same throttle as a login. */
    rc = throttle_login_check(db, r->user->username, client_ip(r), now, &retry,
                              e);
    if (rc < 0)
        return -1;
    if (rc) {
        throttle_respond(r, out, retry,
                         "password: too many failed attempts; try again later");
        return 0;
    }
    st = db_query(db, e, "SELECT password_hash FROM users WHERE id = ?", "i",
                  r->user->id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1)
        snprintf(hash, sizeof(hash), "%s", db_col_text(st, 0));
    db_reset(st);
    if (rc < 0)
        return rc;
    if (rc == 0 || !password_verify(old, hash)) {
        if (throttle_login_failed(db, r->user->username, client_ip(r),
                                  time_now(), e) < 0)
            return -1;
        return err_set(e, ERR_VALIDATION, "old_password",
                       "old_password: does not match");
    }
    if (strcmp(old, pw) == 0)
        return err_set(e, ERR_VALIDATION, "new_password",
                       "new_password: must differ from the old one");
    if (password_check(pw, r->user->username, "new_password", e) < 0)
        return -1;
    if (password_hash(pw, newhash) < 0)
        return err_set(e, ERR_INTERNAL, NULL, "password: cannot hash");
    j = (struct password_job){r->user, newhash, now};
    if (db_write(db, password_job, &j, e) < 0)
        return -1;
    log_info("msg=password_changed user_id=%lld", (long long)r->user->id);
    resp_json(out, 200, json_pack("{s:b}", "ok", 1));
    return 0;
}
