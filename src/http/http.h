/* http.h — what a handler sees: the request, the response, the route table.
 *
 * The server (http/server.c) parses and bounds the input before a handler
 * runs: the path is matched against the route table, the body is read up to
 * the route's limit (413 past it), a JSON body is parsed and checked for
 * valid UTF-8 (400 validation_failed otherwise), the caller is authenticated
 * and the route's access rule applied (401/403). A handler fills `resp` and
 * returns 0, or returns < 0 with `e` filled; the server turns `e` into the
 * error body of API.md through err_http_status().
 */
#ifndef HOTLINE_HTTP_H
#define HOTLINE_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/err.h"

struct MHD_Connection;
struct user;

#define HTTP_MAX_PARAMS 4

/* Who may call a route. Role bits come from org/user.h (ROLE_BIT_*). */
enum http_access {
    ACCESS_PUBLIC = 0, /* anyone, no login (public, healthz) */
    ACCESS_STAFF,      /* a logged-in user whose role bit is in route.roles */
    ACCESS_CHANNEL,    /* machine clients (API key / signature; checked by handler) */
};

/* Resource scope of a staff route (authorization; docs/authorization.md).
 * It is written in the route table next to the roles, OR-ed into
 * route.roles above the role bits, so the table keeps its shape and the
 * role check stays one AND. It states which rows a unit role (handler,
 * unit_admin) reaches through the route; the handler enforces it and
 * tests/api/authz.test.mjs checks both the statement and the enforcement:
 *   SCOPE_ALL   the same answer for every caller: reference data (units,
 *               categories, districts) or the caller's own session;
 *   SCOPE_UNIT  unit roles reach only rows of their own unit and the units
 *               below it: another unit's row answers 404 (it is invisible),
 *               a list leaves it out;
 *   SCOPE_SELF  the caller's own rows only (session, password,
 *               notifications, preferences), whatever the role.
 * Every route that admits a unit role states one of them; routes open only
 * to platform roles need none (platform roles are city-wide). Leaders are
 * read-only: a route that changes data admits them only with SCOPE_SELF. */
#define SCOPE_ALL (1u << 24)
#define SCOPE_UNIT (1u << 25)
#define SCOPE_SELF (1u << 26)
#define SCOPE_MASK (SCOPE_ALL | SCOPE_UNIT | SCOPE_SELF)

struct req {
    const char *method;
    const char *path;      /* decoded path, without query */
    struct arena *arena;   /* request lifetime; released after the response */
    const char *params[HTTP_MAX_PARAMS]; /* ":name" segments, in order */
    int nparams;
    const char *body;      /* raw body, NUL-terminated, NULL if none */
    size_t body_len;
    json_t *json;          /* parsed JSON body (object), NULL if no body */
    struct user *user;     /* authenticated staff user, NULL if none */
    const char *client_ip; /* textual peer address */
    char request_id[20];
    struct MHD_Connection *conn;
};

struct http_stream;

struct resp {
    struct http_stream *stream; /* streaming body (SSE), see http_stream_new */
    int status;            /* 0 = 200 */
    json_t *json;          /* body as JSON (owned; the server decrefs) */
    char *body;            /* or a raw body (malloc'd, owned) */
    size_t body_len;
    const char *content_type;       /* for raw bodies */
    const char *headers[8][2];      /* extra headers (static or arena strings) */
    int nheaders;
};

typedef int (*http_handler)(struct req *r, struct resp *out, struct err *e);

struct route {
    const char *method;    /* "GET", "POST", "PATCH", "PUT", "DELETE" */
    const char *pattern;   /* "/api/v1/cases/:id/:action" */
    http_handler handler;
    enum http_access access;
    unsigned roles;        /* ROLE_BIT_* mask for ACCESS_STAFF, | SCOPE_* */
    size_t body_limit;     /* max body bytes (0 = no body accepted) */
};

/* The route table (http/routes.c) and its length. */
extern const struct route http_routes[];
extern const size_t http_nroutes;

/* Query string and header access (values live as long as the request). */
const char *req_query(struct req *r, const char *name);
const char *req_header(struct req *r, const char *name);
/* Query parameter as an integer in [min,max]; absent -> def. Bad -> < 0 with
 * validation_failed naming the parameter. */
int req_query_int(struct req *r, const char *name, int64_t min, int64_t max,
                  int64_t def, int64_t *out, struct err *e);

void resp_json(struct resp *out, int status, json_t *j); /* takes ownership */

/* Streaming responses (Server-Sent Events; docs/http.md). A handler makes a
 * stream and sets out->stream (content type text/event-stream). The server
 * calls fill(cls, buf, max) whenever the client can take data: it returns
 * the bytes written (> 0), 0 when it has nothing now — the connection is
 * then suspended (no thread waits) until http_stream_wake — or < 0 to end
 * the response. done(cls) runs once when the stream is over (client gone,
 * ended, server stopping); after it returns the stream is freed and must
 * not be woken. Streams end by themselves when the server stops. */
typedef long (*http_stream_fill)(void *cls, char *buf, size_t max);
struct http_stream *http_stream_new(struct req *r, http_stream_fill fill,
                                    void (*done)(void *cls), void *cls);
/* Makes the server call fill again soon (any thread). */
void http_stream_wake(struct http_stream *s);
void resp_header(struct resp *out, const char *name, const char *value);

/* Server life cycle (http/server.c). */
struct http_config {
    const char *listen;        /* "127.0.0.1:8080" */
    const char *static_dir;    /* web/dist, or NULL */
    unsigned threads;          /* worker threads */
    unsigned max_connections;
    unsigned timeout_s;        /* idle connection timeout */
    size_t max_body;           /* cap on every body, on top of the route's
                                  body_limit; 0 = route limits only */
};
/* Runs until SIGTERM/SIGINT; finishes in-flight requests, then returns 0. */
int http_serve(const struct http_config *cfg, struct err *e);

#endif
