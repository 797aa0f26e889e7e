/* harness_http.c — a tiny server over http/server.c with test routes and a
 * stub auth_request, for poking the HTTP layer by hand (curl) before the
 * real routes exist. Not a unit test (the Makefile builds only test_*.c):
 *
 *   tests/unit/build-harness.sh && build/harness-http --listen 127.0.0.1:18080
 *
 * Tokens: "Bearer admin" (role admin), "Bearer agent" (role agent),
 * "Bearer dead" (unknown session -> 401), anything else: no credentials.
 */
#include "common.h"

#include <stdio.h>

#include "config.h"
#include "db/db.h"
#include "http/http.h"
#include "org/auth.h"
#include "org/user.h"

static int
h_ping(struct req *r, struct resp *out, struct err *e)
{
    (void)e;
    resp_json(out, 200,
              json_pack("{s:s, s:s?, s:b}", "pong", r->request_id, "user",
                        r->user ? r->user->username : NULL, "json",
                        r->json != NULL));
    return 0;
}

static int
h_echo(struct req *r, struct resp *out, struct err *e)
{
    (void)e;
    resp_json(out, 201, json_pack("{s:O}", "got", r->json));
    resp_header(out, "X-Test", "1");
    return 0;
}

static int
h_item(struct req *r, struct resp *out, struct err *e)
{
    int64_t page;
    int rc;

    rc = req_query_int(r, "page", 1, 1000, 1, &page, e);
    if (rc < 0)
        return rc;
    resp_json(out, 200,
              json_pack("{s:s, s:I, s:s?}", "id", r->params[0], "page",
                        (json_int_t)page, "q", req_query(r, "q")));
    return 0;
}

static int
h_conflict(struct req *r, struct resp *out, struct err *e)
{
    (void)r;
    (void)out;
    return err_set(e, ERR_INVALID_TRANSITION, "status",
                   "cannot sign a closed case");
}

static int
h_buggy(struct req *r, struct resp *out, struct err *e)
{
    (void)r;
    (void)out;
    (void)e;
    return -1;
}

static int
h_slow(struct req *r, struct resp *out, struct err *e)
{
    (void)r;
    (void)e;
    sleep(2);
    resp_json(out, 200, json_pack("{s:b}", "slow", 1));
    return 0;
}

const struct route http_routes[] = {
    {"GET", "/api/v1/ping", h_ping, ACCESS_PUBLIC, 0, 0},
    {"POST", "/api/v1/echo", h_echo, ACCESS_PUBLIC, 0, 1024},
    {"POST", "/api/v1/empty", h_ping, ACCESS_PUBLIC, 0, 1024},
    {"GET", "/api/v1/items/:id", h_item, ACCESS_PUBLIC, 0, 0},
    {"GET", "/api/v1/secret", h_ping, ACCESS_STAFF, ROLE_BIT_ADMIN, 0},
    {"DELETE", "/api/v1/secret", h_ping, ACCESS_STAFF, ROLE_BIT_ADMIN, 0},
    {"POST", "/api/v1/conflict", h_conflict, ACCESS_PUBLIC, 0, 1024},
    {"GET", "/api/v1/buggy", h_buggy, ACCESS_PUBLIC, 0, 0},
    {"GET", "/api/v1/slow", h_slow, ACCESS_PUBLIC, 0, 0},
    {"POST", "/api/v1/channel", h_ping, ACCESS_CHANNEL, 0, 4096},
};
const size_t http_nroutes = ARRAY_SIZE(http_routes);

int
auth_request(struct req *r, struct user *u, struct err *e)
{
    const char *h = req_header(r, "Authorization");

    if (h == NULL || strncmp(h, "Bearer ", 7) != 0)
        return 0;
    memset(u, 0, sizeof(*u));
    if (strcmp(h + 7, "admin") == 0) {
        u->role = ROLE_ADMIN;
        memcpy(u->username, "admin", 6);
        return 1;
    }
    if (strcmp(h + 7, "agent") == 0) {
        u->role = ROLE_AGENT;
        memcpy(u->username, "agent", 6);
        return 1;
    }
    if (strcmp(h + 7, "dead") == 0)
        return err_set(e, ERR_UNAUTHORIZED, NULL, "session expired");
    return 0;
}

/* The server closes worker threads' store connections at shutdown. */
void
db_thread_close(void)
{
}

int
main(int argc, char **argv)
{
    struct err e = ERR_INIT;
    struct config cfg;
    struct http_config hc;
    int rc;

    config_defaults(&cfg);
    rc = config_from_env(&cfg, &e);
    if (rc == 0)
        rc = config_parse_args(&cfg, argc - 1, argv + 1, NULL, NULL, &e);
    if (rc == 1) {
        config_help(stdout);
        return 0;
    }
    if (rc < 0) {
        fprintf(stderr, "harness: %s\n", e.message);
        return 2;
    }
    log_set_level((enum log_level)cfg.log_level);
    config_http(&cfg, &hc);
    rc = http_serve(&hc, &e);
    if (rc < 0) {
        fprintf(stderr, "harness: %s\n", e.message);
        return 1;
    }
    return 0;
}
