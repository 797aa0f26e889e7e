/* throttle.c — security settings, the client's address, login throttling
 * and the public rate limits (see throttle.h for the rules). */
#include "common.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>

#include "config.h"
#include "org/throttle.h"
#include "util/timeutil.h"

#define KEY_MAX 160

static struct security_config cfg = {
    .session_idle = 4 * 3600,
    .session_absolute = 12 * 3600,
    .login_window = 900,
    .login_max_failures = 5,
    .login_ip_max_failures = 30,
    .login_lockout = 300,
    .public_window = 600,
    .public_submit_limit = 30,
    .public_track_limit = 300,
    .public_rate_limit = 30,
    .guess_window = 3600,
    .guess_client_limit = 20,
    .guess_case_limit = 10,
};

const struct security_config *
security(void)
{
    return &cfg;
}

int
security_configure(const struct config *c, struct err *e)
{
    struct security_config n = cfg;

    n.session_idle = c->session_idle;
    n.session_absolute = c->session_absolute;
    n.login_window = c->login_window;
    n.login_max_failures = c->login_max_failures;
    n.login_ip_max_failures = c->login_ip_max_failures;
    n.login_lockout = c->login_lockout;
    n.public_window = c->public_window;
    n.public_submit_limit = c->public_submit_limit;
    n.public_track_limit = c->public_track_limit;
    n.public_rate_limit = c->public_rate_limit;
    n.guess_window = c->guess_window;
    n.guess_client_limit = c->guess_client_limit;
    n.guess_case_limit = c->guess_case_limit;
    if (ip_list_parse(c->trusted_proxies ? c->trusted_proxies : "",
                      n.trusted, TRUSTED_PROXIES_MAX, &n.ntrusted) < 0)
        return err_set(e, ERR_VALIDATION, "trusted-proxies",
                       "trusted-proxies: a comma list of at most %d IP "
                       "addresses",
                       TRUSTED_PROXIES_MAX);
    cfg = n;
    return 0;
}

/* ---- addresses (pure) ---------------------------------------------------- */

/* Text → 16 bytes (IPv4 as v4-mapped IPv6). -1 when not an address. */
static int
ip_bytes(const char *s, size_t n, unsigned char out[16])
{
    char text[INET6_ADDRSTRLEN];
    unsigned char v4[4];

    if (n == 0 || n >= sizeof(text))
        return -1;
    memcpy(text, s, n);
    text[n] = '\0';
    if (inet_pton(AF_INET, text, v4) == 1) {
        memset(out, 0, 10);
        out[10] = out[11] = 0xff;
        memcpy(out + 12, v4, 4);
        return 0;
    }
    return inet_pton(AF_INET6, text, out) == 1 ? 0 : -1;
}

int
ip_list_parse(const char *s, unsigned char out[][16], int max, int *n)
{
    const char *p = s;

    *n = 0;
    while (*p) {
        const char *start, *end;

        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        start = p;
        while (*p && *p != ',' && *p != ' ')
            p++;
        end = p;
        if (*n >= max || ip_bytes(start, (size_t)(end - start), out[*n]) < 0)
            return -1;
        (*n)++;
    }
    return 0;
}

int
ip_list_contains(unsigned char list[][16], int n, const char *ip)
{
    unsigned char b[16];

    if (!ip || ip_bytes(ip, strlen(ip), b) < 0)
        return 0;
    for (int i = 0; i < n; i++)
        if (memcmp(list[i], b, 16) == 0)
            return 1;
    return 0;
}

void
client_ip_from(const char *peer, const char *xff, unsigned char trusted[][16],
               int ntrusted, char *out, size_t outsz)
{
    const char *end;

    snprintf(out, outsz, "%s", peer ? peer : "-");
    if (!xff || ntrusted == 0 || !ip_list_contains(trusted, ntrusted, peer))
        return;
    /* Walk X-Forwarded-For from the right: each trusted hop vouches for
     * the one before it; the first untrusted entry is the client. */
    end = xff + strlen(xff);
    while (end > xff) {
        const char *start = end;
        const char *a, *b;
        unsigned char bytes[16];

        while (start > xff && start[-1] != ',')
            start--;
        a = start;
        b = end;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (ip_bytes(a, (size_t)(b - a), bytes) < 0)
            return; /* garbage: keep the last address we trust */
        snprintf(out, outsz, "%.*s", (int)(b - a), a);
        if (!ip_list_contains(trusted, ntrusted, out))
            return;
        end = start > xff ? start - 1 : xff;
    }
}

int64_t
throttle_lockout(int64_t base, int64_t n, int64_t cap)
{
    int64_t t = base;

    for (int64_t i = 1; i < n && t < cap; i++)
        t *= 2;
    return t < cap ? t : cap;
}

const char *
client_ip(struct req *r)
{
    char out[INET6_ADDRSTRLEN + 1];

    if (cfg.ntrusted == 0)
        return r->client_ip;
    client_ip_from(r->client_ip, req_header(r, "X-Forwarded-For"), cfg.trusted,
                   cfg.ntrusted, out, sizeof(out));
    return arena_strdup(r->arena, out);
}

int
request_is_tls(struct req *r)
{
    const char *p;

    if (cfg.ntrusted == 0 ||
        !ip_list_contains(cfg.trusted, cfg.ntrusted, r->client_ip))
        return 0;
    p = req_header(r, "X-Forwarded-Proto");
    return p && strncasecmp(p, "https", 5) == 0 &&
           (p[5] == '\0' || p[5] == ',' || p[5] == ' ');
}

void
throttle_respond(struct req *r, struct resp *out, int64_t retry_after,
                 const char *message)
{
    if (retry_after < 1)
        retry_after = 1;
    resp_header(out, "Retry-After",
                arena_printf(r->arena, "%lld", (long long)retry_after));
    resp_json(out, err_http_status(ERR_RATE_LIMITED),
              json_pack("{s:{s:s, s:s, s:n}}", "error", "code",
                        err_code_name(ERR_RATE_LIMITED), "message", message,
                        "field"));
}

/* ---- counters ------------------------------------------------------------ */

struct counter {
    int64_t window_start, hits, strikes, blocked_until;
};

static int
counter_load(struct db *db, const char *key, struct counter *c, struct err *e)
{
    struct db_stmt *st;
    int rc;

    memset(c, 0, sizeof(*c));
    st = db_query(db, e,
                  "SELECT window_start, hits, strikes, blocked_until "
                  "FROM throttle WHERE key = ?",
                  "t", key);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        c->window_start = db_col_int(st, 0);
        c->hits = db_col_int(st, 1);
        c->strikes = db_col_int(st, 2);
        c->blocked_until = db_col_int(st, 3);
    }
    db_reset(st);
    return rc;
}

static int
counter_store(struct db *db, const char *key, const struct counter *c,
              int64_t expires_at, struct err *e)
{
    return db_exec(db, e,
                   "INSERT INTO throttle (key, window_start, hits, strikes, "
                   "blocked_until, expires_at) VALUES (?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (key) DO UPDATE SET "
                   "window_start = excluded.window_start, "
                   "hits = excluded.hits, strikes = excluded.strikes, "
                   "blocked_until = excluded.blocked_until, "
                   "expires_at = excluded.expires_at",
                   "tiiiii", key, c->window_start, c->hits, c->strikes,
                   c->blocked_until, expires_at) < 0
               ? -1
               : 0;
}

/* Counts one hit in a fixed window; *hits and *window_end out. */
static int
counter_hit(struct db *db, const char *key, int64_t now, int64_t window,
            int64_t *hits, int64_t *window_end, struct err *e)
{
    struct db_stmt *st;
    int rc;

    st = db_query(
        db, e,
        "INSERT INTO throttle (key, window_start, hits, strikes, "
        "blocked_until, expires_at) VALUES (?, ?, 1, 0, 0, ?) "
        "ON CONFLICT (key) DO UPDATE SET "
        "hits = CASE WHEN throttle.window_start <= ? THEN 1 "
        "ELSE throttle.hits + 1 END, "
        "window_start = CASE WHEN throttle.window_start <= ? THEN ? "
        "ELSE throttle.window_start END, "
        "expires_at = CASE WHEN throttle.window_start <= ? THEN ? "
        "ELSE throttle.expires_at END "
        "RETURNING hits, window_start",
        "tiiiiiii", key, now, now + window, now - window, now - window, now,
        now - window, now + window);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        *hits = db_col_int(st, 0);
        *window_end = db_col_int(st, 1) + window;
    }
    db_reset(st);
    if (rc == 0)
        return err_set(e, ERR_INTERNAL, NULL, "throttle: upsert returned no row");
    return rc < 0 ? rc : 0;
}

/* Now and then, forget rows nobody needs (a fixed share of the writes). */
static int
prune(struct db *db, int64_t now, struct err *e)
{
    static unsigned n;

    if (__atomic_add_fetch(&n, 1, __ATOMIC_RELAXED) % 256 != 0)
        return 0;
    return db_exec(db, e, "DELETE FROM throttle WHERE expires_at < ?", "i",
                   now) < 0
               ? -1
               : 0;
}

/* ---- login ----------------------------------------------------------------- */

static void
login_keys(const char *username, const char *ip, char ukey[KEY_MAX],
           char ikey[KEY_MAX])
{
    size_t i, n;

    n = (size_t)snprintf(ukey, KEY_MAX, "login:user:%s", username);
    /* Usernames are matched exactly at login, but "Admin" and "admin"
     * are one account to a guesser: count them together. */
    for (i = strlen("login:user:"); i < n && i < KEY_MAX; i++)
        ukey[i] = (char)tolower((unsigned char)ukey[i]);
    snprintf(ikey, KEY_MAX, "login:ip:%s", ip);
}

int
throttle_login_check(struct db *db, const char *username, const char *ip,
                     int64_t now, int64_t *retry_after, struct err *e)
{
    char ukey[KEY_MAX], ikey[KEY_MAX];
    struct counter u, a;

    login_keys(username, ip, ukey, ikey);
    if (counter_load(db, ukey, &u, e) < 0 || counter_load(db, ikey, &a, e) < 0)
        return -1;
    *retry_after = 0;
    if (u.blocked_until > now)
        *retry_after = u.blocked_until - now;
    if (a.blocked_until > now && a.blocked_until - now > *retry_after)
        *retry_after = a.blocked_until - now;
    return *retry_after > 0;
}

struct login_fail_job {
    const char *ukey, *ikey;
    int64_t now;
};

/* One failure against one key with its limit. */
static int
fail_one(struct db *db, const char *key, int64_t limit, int64_t now,
         struct err *e)
{
    struct counter c;
    int64_t w = cfg.login_window, expires;
    int rc = counter_load(db, key, &c, e);

    if (rc < 0)
        return rc;
    if (rc == 0)
        c.window_start = now;
    /* A quiet window after the last lock-out forgives the strikes. */
    if (c.strikes > 0 && c.blocked_until + w <= now)
        c.strikes = 0;
    if (c.window_start <= now - w) {
        c.window_start = now;
        c.hits = 0;
    }
    c.hits++;
    if (c.hits >= limit) {
        c.strikes++;
        c.blocked_until = now + throttle_lockout(cfg.login_lockout, c.strikes,
                                                 THROTTLE_LOCK_CAP);
        c.hits = 0;
        c.window_start = now;
        log_warn("msg=login_locked key_kind=%s strikes=%lld seconds=%lld",
                 strncmp(key, "login:ip:", 9) == 0 ? "ip" : "account",
                 (long long)c.strikes, (long long)(c.blocked_until - now));
    }
    expires = c.window_start + w;
    if (c.blocked_until + w > expires)
        expires = c.blocked_until + w;
    return counter_store(db, key, &c, expires, e);
}

static int
login_fail_job(struct db *db, void *ctx, struct err *e)
{
    struct login_fail_job *j = ctx;

    if (fail_one(db, j->ukey, cfg.login_max_failures, j->now, e) < 0 ||
        fail_one(db, j->ikey, cfg.login_ip_max_failures, j->now, e) < 0)
        return -1;
    return prune(db, j->now, e);
}

int
throttle_login_failed(struct db *db, const char *username, const char *ip,
                      int64_t now, struct err *e)
{
    char ukey[KEY_MAX], ikey[KEY_MAX];
    struct login_fail_job j = {ukey, ikey, now};

    login_keys(username, ip, ukey, ikey);
    return db_write(db, login_fail_job, &j, e);
}

static int
login_ok_job(struct db *db, void *ctx, struct err *e)
{
    return db_exec(db, e, "DELETE FROM throttle WHERE key = ?", "t",
                   (const char *)ctx) < 0
               ? -1
               : 0;
}

int
throttle_login_succeeded(struct db *db, const char *username, struct err *e)
{
    char ukey[KEY_MAX], ikey[KEY_MAX];
    struct counter c;
    int rc;

    login_keys(username, "-", ukey, ikey);
    rc = counter_load(db, ukey, &c, e); /* skip the write when clean */
    if (rc <= 0)
        return rc;
    return db_write(db, login_ok_job, ukey, e);
}

/* ---- public endpoints -------------------------------------------------------- */

struct hit_job {
    const char *key;
    int64_t now, window;
    int64_t hits, window_end;
};

static int
hit_job(struct db *db, void *ctx, struct err *e)
{
    struct hit_job *j = ctx;

    if (counter_hit(db, j->key, j->now, j->window, &j->hits, &j->window_end,
                    e) < 0)
        return -1;
    return prune(db, j->now, e);
}

static const char *const kind_names[] = {"submit", "track", "rate"};

/* Hits within the current window of a guess counter (0 when expired). */
static int
guess_hits(struct db *db, const char *key, int64_t now, int64_t *hits,
           int64_t *window_end, struct err *e)
{
    struct counter c;
    int rc = counter_load(db, key, &c, e);

    *hits = 0;
    *window_end = 0;
    if (rc <= 0)
        return rc;
    if (c.window_start > now - cfg.guess_window) {
        *hits = c.hits;
        *window_end = c.window_start + cfg.guess_window;
    }
    return 0;
}

int
throttle_public(struct req *r, struct resp *out, enum throttle_kind kind,
                const char *case_no, struct err *e)
{
    static const int64_t *const limits[] = {&cfg.public_submit_limit,
                                            &cfg.public_track_limit,
                                            &cfg.public_rate_limit};
    const char *ip = client_ip(r);
    struct db *db = db_thread(e);
    struct hit_job j;
    int64_t now = time_now(), hits, end;

    if (!db)
        return -1;
    /* RULE public-rate-limit: one counter per client and kind. */
    j = (struct hit_job){arena_printf(r->arena, "pub:%s:%s", kind_names[kind],
                                      ip),
                         now, cfg.public_window, 0, 0};
    if (db_write(db, hit_job, &j, e) < 0)
        return -1;
    if (j.hits > *limits[kind]) {
        log_info("msg=rate_limited kind=%s ip=%s", kind_names[kind], ip);
        throttle_respond(r, out, j.window_end - now,
                         "too many requests from your address; try again "
                         "later");
        return 1;
    }
    if (!case_no)
        return 0;
    /* RULE code-guess-throttle: past the limit every lookup is refused. */
    if (guess_hits(db, arena_printf(r->arena, "guess:ip:%s", ip), now, &hits,
                   &end, e) < 0)
        return -1;
    if (hits < cfg.guess_client_limit) {
        if (guess_hits(db, arena_printf(r->arena, "guess:case:%.40s", case_no),
                       now, &hits, &end, e) < 0)
            return -1;
        if (hits < cfg.guess_case_limit)
            return 0;
    }
    log_info("msg=code_guess_limited ip=%s", ip);
    throttle_respond(r, out, end - now,
                     "too many wrong case numbers or query codes; try again "
                     "later");
    return 1;
}

struct guess_job {
    const char *ipkey, *casekey;
    int64_t now;
};

static int
guess_job(struct db *db, void *ctx, struct err *e)
{
    struct guess_job *j = ctx;
    int64_t hits, end;

    if (counter_hit(db, j->ipkey, j->now, cfg.guess_window, &hits, &end, e) <
            0 ||
        counter_hit(db, j->casekey, j->now, cfg.guess_window, &hits, &end, e) <
            0)
        return -1;
    return prune(db, j->now, e);
}

void
throttle_guess_failed(struct req *r, const char *case_no)
{
    struct err e = ERR_INIT;
    struct db *db = db_thread(&e);
    struct guess_job j;

    if (!db)
        goto fail;
    j = (struct guess_job){
        arena_printf(r->arena, "guess:ip:%s", client_ip(r)),
        arena_printf(r->arena, "guess:case:%.40s", case_no ? case_no : ""),
        time_now()};
    if (db_write(db, guess_job, &j, &e) < 0)
        goto fail;
    return;
fail:
    log_error("msg=\"cannot count a failed code lookup\" error=\"%s\"",
              e.message);
}
