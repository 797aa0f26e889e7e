/* throttle.h — security settings, the client's address, and rate limits.
 *
 * Settings come from the config table (config.c) once at start-up through
 * security_configure(); until then the built-in defaults apply (command line,
 * unit tests). Counters live in the database table `throttle` so several
 * app nodes share them; every write goes through db_write (group commit).
 *
 * Login (RULE login-throttle): failures are counted per account (the name
 * typed, whether or not it exists) and per client address in a window; the
 * N-th failure locks the key for `login-lockout` seconds, doubling with each
 * lock-out in a row (capped at a day). While locked, login answers 429 with
 * Retry-After without checking the password. A successful login clears the
 * account's counter (not the address's).
 *
 * Public endpoints (RULE public-rate-limit): a fixed-window request counter
 * per client address and kind (submit, track, rate) → 429 with Retry-After.
 * Query-code guessing (RULE code-guess-throttle): a failed lookup by case
 * number + code counts against the client and the case number; past either
 * limit every lookup of that client or case answers 429 (even with the right
 * code, or a 429 would tell a guesser he was right) until the window ends.
 *
 * Client address: the peer address, or — when the peer is one of
 * `trusted-proxies` — the right-most X-Forwarded-For entry that is not a
 * trusted proxy. X-Forwarded-Proto: https counts only from a trusted proxy.
 */
#ifndef HOTLINE_THROTTLE_H
#define HOTLINE_THROTTLE_H

#include <stdint.h>

#include "db/db.h"
#include "http/http.h"

struct config;

#define TRUSTED_PROXIES_MAX 16
#define THROTTLE_LOCK_CAP (24 * 3600)

struct security_config {
    int64_t session_idle;       /* seconds without a request */
    int64_t session_absolute;   /* seconds after login */
    int64_t login_window;
    int64_t login_max_failures; /* per account */
    int64_t login_ip_max_failures;
    int64_t login_lockout;      /* first lock-out; doubles */
    int64_t public_window;
    int64_t public_submit_limit;
    int64_t public_track_limit;
    int64_t public_rate_limit;
    int64_t guess_window;
    int64_t guess_client_limit;
    int64_t guess_case_limit;
    int ntrusted;
    unsigned char trusted[TRUSTED_PROXIES_MAX][16]; /* IPv6 or v4-mapped */
};

/* Copies the settings from the config (call once, before serving). */
int security_configure(const struct config *c, struct err *e);
const struct security_config *security(void);

/* Pure helpers (unit-tested). */
/* Parses "ip,ip,..." (spaces allowed) into out; -1 on a bad entry. */
int ip_list_parse(const char *s, unsigned char out[][16], int max, int *n);
/* 1 when the textual address is in the list. */
int ip_list_contains(unsigned char list[][16], int n, const char *ip);
/* The client address from X-Forwarded-For (may be NULL) given the peer;
 * writes into out (INET6_ADDRSTRLEN). */
void client_ip_from(const char *peer, const char *xff,
                    unsigned char trusted[][16], int ntrusted, char *out,
                    size_t outsz);
/* Lock-out length for the n-th lock-out in a row (n >= 1): base * 2^(n-1),
 * capped at `cap`. */
int64_t throttle_lockout(int64_t base, int64_t n, int64_t cap);

/* The client's address (see above); arena string. */
const char *client_ip(struct req *r);
/* 1 when the request reached a trusted proxy over TLS. */
int request_is_tls(struct req *r);

/* Fills a 429 rate_limited error with Retry-After (seconds, >= 1). */
void throttle_respond(struct req *r, struct resp *out, int64_t retry_after,
                      const char *message);

/* Login: 1 and *retry_after when the account or address is locked, 0 when
 * free, < 0 on error. */
int throttle_login_check(struct db *db, const char *username, const char *ip,
                         int64_t now, int64_t *retry_after, struct err *e);
int throttle_login_failed(struct db *db, const char *username, const char *ip,
                          int64_t now, struct err *e);
int throttle_login_succeeded(struct db *db, const char *username,
                             struct err *e);

enum throttle_kind { THROTTLE_SUBMIT, THROTTLE_TRACK, THROTTLE_RATE };

/* Counts this request against the client's limit for `kind` and, when
 * case_no is given, checks the guess counters. 0 to go on; 1 when a 429
 * was put in `out` (the handler returns 0); < 0 on error. */
int throttle_public(struct req *r, struct resp *out, enum throttle_kind kind,
                    const char *case_no, struct err *e);
/* Records a failed case-number + code lookup. Errors are logged. */
void throttle_guess_failed(struct req *r, const char *case_no);

#endif
