/* server.c — libmicrohttpd glue: per-request state, input bounds, auth,
 * dispatch to handlers, the response envelope, access log, graceful stop.
 *
 * Request life (MHD calls the access handler several times per request):
 *   URI log callback   allocate the request context (arena, request id)
 *   1st access call    route, bounds (URL, query, Content-Length, type);
 *                      nothing is queued here for body-less requests, since
 *                      queuing on the first call turns keep-alive off
 *                      (DESIGN §8). Only a request that announces a body we
 *                      will refuse is answered at once, so it is never read.
 *   body calls         append to a bounded buffer (413 past the limit)
 *   last call          authenticate, parse JSON, run the handler, respond
 *   completed callback access-log line, free everything
 */
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http/http.h"
#include "http/metrics.h"
#include "http/router.h"
#include "db/db.h"
#include "http/static.h"
#include "org/auth.h"
#include "org/user.h"
#include "util/buf.h"
#include "util/utf8.h"

#define URL_MAX 2048          /* raw request target, bytes */
#define QUERY_MAX 50          /* query parameters */
#define ARENA_LIMIT (16u << 20)
#define DISCARD_MAX (1u << 20) /* refused body bytes we read before closing */
#define CONN_MEMORY (32u * 1024) /* per-connection header buffer */
#define DRAIN_SECONDS 10
#define LISTEN_BACKLOG 1024

static const char csp[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self' "
    "'unsafe-inline'; script-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

static const char json_ctype[] = "application/json; charset=utf-8";

/* One server per process. */
static struct {
    const struct http_config *cfg;
    int static_fd;
    atomic_int inflight;
    atomic_int stopping;
    int wake[2]; /* self-pipe written by the signal handler */
} srv = {.static_fd = -1, .wake = {-1, -1}};

struct rctx {
    struct arena arena;
    struct req req;
    const struct route *route;
    const char *route_name; /* pattern, "static" or "-": never the raw path */
    int started;
    int responded;
    int is_static;
    int bad_uri;      /* "%00" in the request target */
    size_t uri_len;
    size_t limit;     /* body limit in force */
    struct buf body;
    size_t discarded;
    enum err_code early; /* error decided before the handler runs */
    int early_status;    /* status override (414), 0 = from the table */
    struct err err;
    char allow[64];
    int status;
    uint64_t bytes;
    struct timespec start;
};

/* --- small helpers ---------------------------------------------------- */

static double
ms_since(const struct timespec *t0)
{
    struct timespec now;

    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
        return 0;
    return (double)(now.tv_sec - t0->tv_sec) * 1e3 +
           (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

/* 16 hex characters: a per-thread splitmix64 stream seeded from the kernel. */
static void
make_request_id(char out[20])
{
    static _Thread_local uint64_t state;
    static _Thread_local int seeded;
    uint64_t z;
    int n;

    if (!seeded) {
        if (getrandom(&state, sizeof(state), 0) != (ssize_t)sizeof(state)) {
            struct timespec ts;

            if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
                ts.tv_nsec = 0;
            state = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                    (uint64_t)(uintptr_t)&state;
        }
        seeded = 1;
    }
    state += UINT64_C(0x9E3779B97F4A7C15);
    z = state;
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    n = snprintf(out, 20, "%016llx", (unsigned long long)z);
    if (n != 16)
        memcpy(out, "0000000000000000", 17);
}

static const char *
peer_ip(struct MHD_Connection *c, struct arena *a)
{
    const union MHD_ConnectionInfo *ci;
    char text[INET6_ADDRSTRLEN];
    const void *addr;

    ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci == NULL || ci->client_addr == NULL)
        return "-";
    if (ci->client_addr->sa_family == AF_INET)
        addr = &((const struct sockaddr_in *)(const void *)ci->client_addr)
                    ->sin_addr;
    else if (ci->client_addr->sa_family == AF_INET6)
        addr = &((const struct sockaddr_in6 *)(const void *)ci->client_addr)
                    ->sin6_addr;
    else
        return "-";
    if (inet_ntop(ci->client_addr->sa_family, addr, text, sizeof(text)) ==
        NULL)
        return "-";
    return arena_strdup(a, text);
}

/* Paths that belong to the API: never answered with the web app. */
static int
is_api_path(const char *path)
{
    static const char *const prefixes[] = {"/api", "/open311", "/healthz",
                                           "/metrics"};
    size_t i;
    size_t n;

    for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
        n = strlen(prefixes[i]);
        if (strncmp(path, prefixes[i], n) == 0 &&
            (path[n] == '/' || path[n] == '\0'))
            return 1;
    }
    return 0;
}

/* "application/json", optionally with parameters; a charset other than
 * UTF-8 is refused (we only speak UTF-8). */
static int
is_json_type(const char *ct)
{
    const char *p;

    if (ct == NULL)
        return 0;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    if (strncasecmp(ct, "application/json", 16) != 0)
        return 0;
    p = ct + 16;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0')
        return 1;
    if (*p != ';')
        return 0;
    p = strcasestr(p, "charset=");
    if (p == NULL)
        return 1;
    p += 8;
    if (*p == '"')
        p++;
    return strncasecmp(p, "utf-8", 5) == 0 &&
           (p[5] == '\0' || p[5] == '"' || p[5] == ';' || p[5] == ' ');
}

static int
method_has_body(const char *m)
{
    return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 ||
           strcmp(m, "PATCH") == 0;
}

/* --- public request / response helpers (http.h) ----------------------- */

const char *
req_query(struct req *r, const char *name)
{
    if (r == NULL || r->conn == NULL)
        return NULL;
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
req_header(struct req *r, const char *name)
{
    if (r == NULL || r->conn == NULL)
        return NULL;
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int
req_query_int(struct req *r, const char *name, int64_t min, int64_t max,
              int64_t def, int64_t *out, struct err *e)
{
    const char *v = req_query(r, name);

    if (v == NULL || v[0] == '\0') {
        *out = def;
        return 0;
    }
    if (parse_int64(v, min, max, out) < 0)
        return err_set(e, ERR_VALIDATION, name,
                       "must be an integer in %lld..%lld", (long long)min,
                       (long long)max);
    return 0;
}

void
resp_json(struct resp *out, int status, json_t *j)
{
    if (out->json != NULL && out->json != j)
        json_decref(out->json);
    out->status = status;
    out->json = j;
}

void
resp_header(struct resp *out, const char *name, const char *value)
{
    if (out->nheaders >= (int)ARRAY_SIZE(out->headers)) {
        log_msg(LOG_BUG, "msg=\"too many response headers\" header=%s",
                name);
        return;
    }
    out->headers[out->nheaders][0] = name;
    out->headers[out->nheaders][1] = value;
    out->nheaders++;
}

/* --- responding ------------------------------------------------------- */

static void
add_header(struct MHD_Response *mr, const char *name, const char *value)
{
    if (MHD_add_response_header(mr, name, value) != MHD_YES)
        log_warn("msg=\"cannot add response header\" header=%s", name);
}

static int
has_header(const struct resp *out, const char *name)
{
    int i;

    for (i = 0; out != NULL && i < out->nheaders; i++)
        if (strcasecmp(out->headers[i][0], name) == 0)
            return 1;
    return 0;
}

/* Headers every response carries. */
static void
add_common(struct MHD_Response *mr, struct rctx *x, const char *ctype,
           const char *cache, const struct resp *out)
{
    if (ctype != NULL && !has_header(out, "Content-Type"))
        add_header(mr, "Content-Type", ctype);
    add_header(mr, "X-Request-Id", x->req.request_id);
    add_header(mr, "Content-Security-Policy", csp);
    add_header(mr, "X-Content-Type-Options", "nosniff");
    add_header(mr, "Referrer-Policy", "no-referrer");
    add_header(mr, "X-Frame-Options", "DENY");
    if (cache != NULL && !has_header(out, "Cache-Control"))
        add_header(mr, "Cache-Control", cache);
    if (atomic_load(&srv.stopping))
        add_header(mr, "Connection", "close");
}

static enum MHD_Result
queue(struct rctx *x, int status, struct MHD_Response *mr, uint64_t bytes)
{
    enum MHD_Result rc;

    rc = MHD_queue_response(x->req.conn, (unsigned)status, mr);
    MHD_destroy_response(mr);
    x->responded = 1;
    x->status = status;
    x->bytes = bytes;
    if (rc != MHD_YES)
        log_error("msg=\"cannot queue response\" status=%d", status);
    return rc;
}

/* Sends body (malloc'd, taken) as a JSON response. */
static enum MHD_Result
send_body(struct rctx *x, int status, char *body, size_t len,
          const char *ctype, const struct resp *out)
{
    struct MHD_Response *mr;
    int i;

    mr = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (mr == NULL) {
        free(body);
        log_error("msg=\"cannot create response\"");
        return MHD_NO;
    }
    for (i = 0; out != NULL && i < out->nheaders; i++)
        add_header(mr, out->headers[i][0], out->headers[i][1]);
    add_common(mr, x, ctype, "no-store", out);
    if (status == 405 && x->allow[0] != '\0')
        add_header(mr, "Allow", x->allow);
    return queue(x, status, mr, len);
}

static enum MHD_Result
send_error(struct rctx *x, int status, const struct err *e)
{
    enum err_code code = e->code;
    const char *msg = e->message;
    json_t *j;
    char *s;

    if (code == ERR_OK || (unsigned)code >= ERR__COUNT)
        code = ERR_INTERNAL;
    if (status == 0)
        status = err_http_status(code);
    if (status >= 500)
        log_error("status=%d code=%s error=\"%s\"", status,
                  err_code_name(code), e->message);
    if (code == ERR_INTERNAL)
        msg = "internal error"; /* details are in the log, not the client */
    else if (msg[0] == '\0')
        msg = err_code_name(code);
    j = json_pack("{s:{s:s, s:s, s:s?}}", "error", "code", err_code_name(code),
                  "message", msg, "field",
                  e->field[0] != '\0' ? e->field : NULL);
    s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (s == NULL) {
        s = xstrdup("{\"error\":{\"code\":\"internal\",\"message\":"
                    "\"internal error\",\"field\":null}}");
        status = 500;
    }
    return send_body(x, status, s, strlen(s), json_ctype, NULL);
}

static enum MHD_Result
send_resp(struct rctx *x, struct resp *out)
{
    struct err e = ERR_INIT;
    int status = out->status ? out->status : 200;
    const char *ctype;
    char *s;
    size_t len;

    if (status < 100 || status > 599) {
        log_msg(LOG_BUG, "msg=\"handler set bad status\" status=%d", status);
        err_set(&e, ERR_INTERNAL, NULL, "bad status %d", status);
        return send_error(x, 0, &e);
    }
    if (out->json != NULL) {
        s = json_dumps(out->json, JSON_COMPACT | JSON_ENCODE_ANY);
        if (s == NULL) {
            err_set(&e, ERR_INTERNAL, NULL, "cannot encode the response");
            return send_error(x, 0, &e);
        }
        len = strlen(s);
        ctype = json_ctype;
    } else if (out->body != NULL) {
        s = out->body;
        out->body = NULL;
        len = out->body_len;
        ctype = out->content_type ? out->content_type
                                  : "application/octet-stream";
    } else {
        s = xstrdup("");
        len = 0;
        ctype = NULL;
    }
    return send_body(x, status, s, len, ctype, out);
}

/* Decides an error now; it is sent on the last access call (or at once
 * when the request announced a body, see first_call). */
static void
early_error(struct rctx *x, int status, enum err_code code, const char *field,
            const char *msg)
{
    if (x->early != ERR_OK)
        return;
    err_set(&x->err, code, field, "%s", msg);
    x->early = code;
    x->early_status = status;
}

/* --- streaming responses (SSE) ----------------------------------------
 * A stream's connection is suspended while fill has nothing to say and
 * resumed by http_stream_wake (DESIGN §8: no thread per stream). s->mu
 * orders suspend against resume, so a wake-up is never lost. All streams
 * are in one list so that a stopping server can end them: MHD must not be
 * stopped with suspended connections. */

struct http_stream {
    pthread_mutex_t mu;
    struct MHD_Connection *conn;
    http_stream_fill fill;
    void (*done)(void *cls);
    void *cls;
    int suspended, woken, ended;
    struct http_stream *prev, *next;
};

static pthread_mutex_t streams_mu = PTHREAD_MUTEX_INITIALIZER;
static struct http_stream *streams;

struct http_stream *
http_stream_new(struct req *r, http_stream_fill fill, void (*done)(void *cls),
                void *cls)
{
    struct http_stream *s = xcalloc(1, sizeof(*s));

    pthread_mutex_init(&s->mu, NULL);
    s->conn = r->conn;
    s->fill = fill;
    s->done = done;
    s->cls = cls;
    pthread_mutex_lock(&streams_mu);
    s->ended = atomic_load(&srv.stopping);
    s->next = streams;
    if (streams)
        streams->prev = s;
    streams = s;
    pthread_mutex_unlock(&streams_mu);
    return s;
}

void
http_stream_wake(struct http_stream *s)
{
    pthread_mutex_lock(&s->mu);
    if (s->suspended) {
        s->suspended = 0;
        MHD_resume_connection(s->conn);
    } else {
        s->woken = 1;
    }
    pthread_mutex_unlock(&s->mu);
}

static ssize_t
stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct http_stream *s = cls;
    long n;

    (void)pos;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        if (s->ended) {
            pthread_mutex_unlock(&s->mu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        s->woken = 0;
        pthread_mutex_unlock(&s->mu);
        n = s->fill(s->cls, buf, max);
        if (n > 0)
            return (ssize_t)n;
        if (n < 0)
            return MHD_CONTENT_READER_END_OF_STREAM;
        pthread_mutex_lock(&s->mu);
        if (s->woken || s->ended) { /* woken while filling: look again */
            pthread_mutex_unlock(&s->mu);
            continue;
        }
        s->suspended = 1;
        MHD_suspend_connection(s->conn);
        pthread_mutex_unlock(&s->mu);
        return 0;
    }
}

/* Ends a stream: MHD's free callback, or a stream never handed to MHD. */
static void
stream_free(void *cls)
{
    struct http_stream *s = cls;

    if (s->done)
        s->done(s->cls);
    pthread_mutex_lock(&streams_mu);
    if (s->prev)
        s->prev->next = s->next;
    else
        streams = s->next;
    if (s->next)
        s->next->prev = s->prev;
    pthread_mutex_unlock(&streams_mu);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* Stopping: every stream ends (suspended ones are resumed to do so). */
static void
streams_end_all(void)
{
    struct http_stream *s;

    pthread_mutex_lock(&streams_mu);
    for (s = streams; s; s = s->next) {
        pthread_mutex_lock(&s->mu);
        s->ended = 1;
        if (s->suspended) {
            s->suspended = 0;
            MHD_resume_connection(s->conn);
        }
        pthread_mutex_unlock(&s->mu);
    }
    pthread_mutex_unlock(&streams_mu);
}

static enum MHD_Result
send_stream(struct rctx *x, struct resp *out)
{
    struct http_stream *s = out->stream;
    struct MHD_Response *mr;
    int i;

    out->stream = NULL;
    mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
                                           stream_reader, s, stream_free);
    if (mr == NULL) {
        stream_free(s);
        log_error("msg=\"cannot create stream response\"");
        return MHD_NO;
    }
    for (i = 0; i < out->nheaders; i++)
        add_header(mr, out->headers[i][0], out->headers[i][1]);
    add_header(mr, "X-Accel-Buffering", "no");
    add_common(mr, x, "text/event-stream; charset=utf-8", "no-store", out);
    return queue(x, 200, mr, 0);
}

/* --- static files ----------------------------------------------------- */

static enum MHD_Result
serve_static(struct rctx *x)
{
    struct static_file f;
    struct MHD_Response *mr;
    const char *inm;
    struct err e = ERR_INIT;

    if (!static_lookup(srv.static_fd, x->req.path, &f)) {
        err_set(&e, ERR_NOT_FOUND, NULL, "not found");
        return send_error(x, 0, &e);
    }
    inm = req_header(&x->req, "If-None-Match");
    if (inm != NULL && f.etag[0] != '\0' && strstr(inm, f.etag) != NULL) {
        close(f.fd);
        mr = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (mr == NULL)
            return MHD_NO;
        add_header(mr, "ETag", f.etag);
        add_common(mr, x, NULL, f.cache_control, NULL);
        return queue(x, 304, mr, 0);
    }
    mr = MHD_create_response_from_fd64(f.size, f.fd); /* takes the fd */
    if (mr == NULL) {
        close(f.fd);
        err_set(&e, ERR_INTERNAL, NULL, "cannot create file response");
        return send_error(x, 0, &e);
    }
    if (f.etag[0] != '\0')
        add_header(mr, "ETag", f.etag);
    add_common(mr, x, f.mime, f.cache_control, NULL);
    return queue(x, 200, mr, f.size);
}

/* --- the pipeline ----------------------------------------------------- */

/* Applies the route's access rule. 0 to go on, < 0 with e filled. */
static int
authenticate(struct rctx *x, struct err *e)
{
    const struct route *rt = x->route;
    struct req *r = &x->req;
    int staff = rt->access == ACCESS_STAFF;
    struct user *u;
    int rc;

    if (!staff && req_header(r, "Authorization") == NULL &&
        MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "session") ==
            NULL)
        return 0;
    u = arena_alloc(&x->arena, sizeof(*u));
    rc = auth_request(r, u, e);
    if (rc < 0) {
        if (e->code == ERR_OK)
            err_set(e, ERR_UNAUTHORIZED, NULL, "invalid credentials");
        /* On a route anyone may call, a stale cookie or a missing CSRF
         * token must not lock the caller out (e.g. of the login itself):
         * go on anonymously. Store failures still fail. */
        if (!staff &&
            (e->code == ERR_UNAUTHORIZED || e->code == ERR_FORBIDDEN)) {
            err_clear(e);
            return 0;
        }
        return -1;
    }
    if (rc == 0) {
        if (staff)
            return err_set(e, ERR_UNAUTHORIZED, NULL, "login required");
        return 0;
    }
    if (staff && ((unsigned)u->role >= ROLE__COUNT ||
                  (rt->roles & ROLE_BIT(u->role)) == 0))
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "your role may not use this endpoint");
    r->user = u;
    return 0;
}

/* Parses the body into r->json. 0 or < 0 with e filled. */
static int
parse_body(struct rctx *x, struct err *e)
{
    struct req *r = &x->req;
    const char *ct;
    json_error_t je;
    json_t *j;

    if (x->body.len == 0) {
        if (method_has_body(r->method))
            r->json = json_object();
        return 0;
    }
    r->body = x->body.data;
    r->body_len = x->body.len;
    ct = req_header(r, "Content-Type");
    if (!is_json_type(ct)) {
        /* machine clients may post other formats; their handlers verify
         * the raw body themselves */
        if (x->route->access == ACCESS_CHANNEL)
            return 0;
        return err_set(e, ERR_UNSUPPORTED_MEDIA, "Content-Type",
                       "must be application/json");
    }
    j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        if (!utf8_valid(r->body, r->body_len))
            return err_set(e, ERR_VALIDATION, "body",
                           "not valid UTF-8 (line %d, column %d)", je.line,
                           je.column);
        return err_set(e, ERR_VALIDATION, "body",
                       "invalid JSON at line %d, column %d: %s", je.line,
                       je.column,
                       utf8_valid(je.text, strlen(je.text)) ? je.text
                                                            : "bad input");
    }
    if (!json_is_object(j)) {
        json_decref(j);
        return err_set(e, ERR_VALIDATION, "body", "must be a JSON object");
    }
    r->json = j;
    return 0;
}

static enum MHD_Result
run_route(struct rctx *x)
{
    struct err e = ERR_INIT;
    struct resp out;
    enum MHD_Result mrc;
    int rc;

    memset(&out, 0, sizeof(out));
    rc = authenticate(x, &e);
    if (rc == 0)
        rc = parse_body(x, &e);
    if (rc == 0) {
        rc = x->route->handler(&x->req, &out, &e);
        if (rc < 0 && e.code == ERR_OK) {
            log_msg(LOG_BUG,
                    "msg=\"handler failed without an error\" route=%s",
                    x->route_name);
            err_set(&e, ERR_INTERNAL, NULL, "handler failed without an error");
        }
    }
    if (rc < 0) {
        json_decref(out.json);
        free(out.body);
        if (out.stream)
            stream_free(out.stream);
        mrc = send_error(x, 0, &e);
    } else if (out.stream) {
        json_decref(out.json);
        free(out.body);
        mrc = send_stream(x, &out);
    } else {
        mrc = send_resp(x, &out);
        json_decref(out.json);
        free(out.body);
    }
    json_decref(x->req.json);
    x->req.json = NULL;
    return mrc;
}

/* --- MHD callbacks ---------------------------------------------------- */

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct rctx *x = xcalloc(1, sizeof(*x));

    (void)cls;
    if (clock_gettime(CLOCK_MONOTONIC, &x->start) != 0)
        memset(&x->start, 0, sizeof(x->start));
    arena_init(&x->arena, ARENA_LIMIT);
    buf_init(&x->body, 0);
    x->req.arena = &x->arena;
    x->req.conn = c;
    x->route_name = "-";
    x->uri_len = strlen(uri);
    x->bad_uri = strcasestr(uri, "%00") != NULL;
    make_request_id(x->req.request_id);
    atomic_fetch_add(&srv.inflight, 1);
    return x;
}

struct query_check {
    int count;
    const char *bad; /* offending key */
};

static enum MHD_Result
check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                const char *value)
{
    struct query_check *q = cls;

    (void)kind;
    if (++q->count > QUERY_MAX)
        return MHD_NO;
    if (!utf8_valid(key, strlen(key)) ||
        (value != NULL && !utf8_valid(value, strlen(value)))) {
        q->bad = utf8_valid(key, strlen(key)) ? key : "query";
        return MHD_NO;
    }
    return MHD_YES;
}

static enum MHD_Result
first_call(struct rctx *x, struct MHD_Connection *c, const char *url,
           const char *method)
{
    struct router_match m;
    struct query_check q = {0, NULL};
    const char *cl;
    const char *te;
    int64_t clen = -1;
    int announces_body;
    size_t limit;
    int idx;

    x->started = 1;
    x->req.method = arena_strdup(&x->arena, method);
    x->req.path = arena_strdup(&x->arena, url);
    x->req.client_ip = peer_ip(c, &x->arena);
    cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
    if (cl != NULL && parse_int64(cl, 0, INT64_MAX, &clen) < 0)
        clen = INT64_MAX;
    announces_body = clen > 0 || te != NULL;

    if (x->bad_uri) {
        early_error(x, 0, ERR_VALIDATION, "url", "must not contain NUL");
    } else if (x->uri_len > URL_MAX) {
        early_error(x, 414, ERR_TOO_LARGE, "url",
                    "longer than 2048 bytes");
    } else if (!utf8_valid(url, strlen(url))) {
        early_error(x, 0, ERR_VALIDATION, "url", "path is not valid UTF-8");
    } else {
        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, check_query_arg,
                                  &q);
        if (q.count > QUERY_MAX)
            early_error(x, 0, ERR_VALIDATION, "query",
                        "more than 50 parameters");
        else if (q.bad != NULL)
            early_error(x, 0, ERR_VALIDATION, q.bad, "not valid UTF-8");
    }

    if (x->early == ERR_OK) {
        idx = router_match(http_routes, http_nroutes, method, url,
                           &x->arena, &m);
        if (idx >= 0) {
            x->route = &http_routes[idx];
            x->route_name = x->route->pattern;
            memcpy(x->req.params, m.params, sizeof(m.params));
            x->req.nparams = m.nparams;
        } else if (idx == ROUTER_NO_METHOD) {
            x->route_name = "405";
            memcpy(x->allow, m.allow, sizeof(x->allow));
            early_error(x, 0, ERR_METHOD, NULL, "method not allowed");
        } else if ((strcmp(method, "GET") == 0 ||
                    strcmp(method, "HEAD") == 0) &&
                   srv.static_fd >= 0 && !is_api_path(url)) {
            x->is_static = 1;
            x->route_name = "static";
        } else {
            early_error(x, 0, ERR_NOT_FOUND, NULL, "not found");
        }
    }

    limit = 0;
    if (x->route != NULL) {
        limit = x->route->body_limit;
        if (srv.cfg->max_body != 0 && limit > srv.cfg->max_body)
            limit = srv.cfg->max_body;
    }
    x->limit = limit;
    buf_init(&x->body, limit);
    if (x->early == ERR_OK && announces_body) {
        if (clen > 0 && (uint64_t)clen > limit)
            early_error(x, 0, ERR_TOO_LARGE, "body",
                        limit ? "larger than this endpoint accepts"
                              : "this endpoint takes no body");
        else if (x->route != NULL && x->route->access != ACCESS_CHANNEL &&
                 !is_json_type(MHD_lookup_connection_value(
                     c, MHD_HEADER_KIND, "Content-Type")))
            early_error(x, 0, ERR_UNSUPPORTED_MEDIA, "Content-Type",
                        "must be application/json");
    }
    /* A refused request that announced a body is answered now, so the body
     * is never read (MHD then closes the connection). */
    if (x->early != ERR_OK && announces_body)
        return send_error(x, x->early_status, &x->err);
    return MHD_YES;
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *c, const char *url,
          const char *method, const char *version, const char *upload_data,
          size_t *upload_size, void **con_cls)
{
    struct rctx *x = *con_cls;

    (void)cls;
    (void)version;
    if (x == NULL) { /* the URI callback always runs first; be safe */
        x = on_uri(NULL, url, c);
        *con_cls = x;
    }
    log_set_request_id(x->req.request_id);
    if (!x->started)
        return first_call(x, c, url, method);
    if (x->responded)
        return MHD_YES;
    if (*upload_size > 0) {
        size_t n = *upload_size;

        *upload_size = 0;
        if (x->early == ERR_OK) {
            buf_add(&x->body, upload_data, n);
            if (x->body.failed)
                early_error(x, 0, ERR_TOO_LARGE, "body",
                            "larger than this endpoint accepts");
            else
                return MHD_YES;
        }
        x->discarded += n;
        return x->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    if (x->early != ERR_OK)
        return send_error(x, x->early_status, &x->err);
    if (x->is_static)
        return serve_static(x);
    return run_route(x);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    static const char *const outcomes[] = {
        "ok", "error", "timeout", "shutdown", "read_error", "client_abort"};
    struct rctx *x = *con_cls;

    (void)cls;
    (void)c;
    if (x == NULL)
        return;
    log_set_request_id(x->req.request_id);
    metrics_observe(x->route, x->status, ms_since(&x->start));
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
        log_info("method=%s route=%s status=%d bytes=%llu ms=%.2f ip=%s",
                 x->req.method ? x->req.method : "-", x->route_name,
                 x->status, (unsigned long long)x->bytes, ms_since(&x->start),
                 x->req.client_ip ? x->req.client_ip : "-");
    else
        log_info("method=%s route=%s status=%d bytes=%llu ms=%.2f ip=%s "
                 "outcome=%s",
                 x->req.method ? x->req.method : "-", x->route_name,
                 x->status, (unsigned long long)x->bytes, ms_since(&x->start),
                 x->req.client_ip ? x->req.client_ip : "-",
                 (unsigned)toe < ARRAY_SIZE(outcomes) ? outcomes[toe]
                                                      : "other");
    json_decref(x->req.json);
    buf_release(&x->body);
    arena_release(&x->arena);
    free(x);
    *con_cls = NULL;
    log_set_request_id(NULL);
    atomic_fetch_sub(&srv.inflight, 1);
}

/* Runs in the worker thread that owned the connection. At shutdown MHD
 * closes each worker's remaining connections in that worker, which is our
 * one chance to close the worker's database connection (db_thread). */
static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
              enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    (void)c;
    (void)socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_CLOSED && atomic_load(&srv.stopping))
        db_thread_close();
}

__attribute__((format(printf, 2, 0))) static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t n;
    int rc;

    (void)cls;
    rc = vsnprintf(msg, sizeof(msg), fmt, ap);
    if (rc < 0)
        return;
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    log_warn("component=mhd error=\"%s\"", msg);
}

/* --- listening, signals, life cycle ----------------------------------- */

static int
open_listener(const char *listen_on, struct err *e)
{
    char host[256];
    const char *colon = strrchr(listen_on, ':');
    const char *h = listen_on;
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    size_t hlen;
    int one = 1;
    int zero = 0;
    int fd = -1;
    int rc;

    if (colon == NULL || colon == listen_on)
        return err_set(e, ERR_VALIDATION, "listen",
                       "\"%s\" is not HOST:PORT", listen_on);
    hlen = (size_t)(colon - listen_on);
    if (h[0] == '[' && hlen >= 2 && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    if (hlen >= sizeof(host))
        return err_set(e, ERR_VALIDATION, "listen", "host name too long");
    memcpy(host, h, hlen);
    host[hlen] = '\0';

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &res);
    if (rc != 0)
        return err_set(e, ERR_VALIDATION, "listen", "%s: %s", listen_on,
                       gai_strerror(rc));
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                0);
    if (fd < 0) {
        rc = err_set(e, ERR_INTERNAL, "listen", "socket: %s",
                     strerror(errno));
        goto out;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
        log_warn("msg=\"SO_REUSEADDR failed\" error=\"%s\"", strerror(errno));
    if (res->ai_family == AF_INET6 &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) != 0)
        log_warn("msg=\"dual-stack socket failed\" error=\"%s\"",
                 strerror(errno));
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
        rc = err_set(e, ERR_UNAVAILABLE, "listen", "cannot bind %s: %s",
                     listen_on, strerror(errno));
        goto out;
    }
    if (listen(fd, LISTEN_BACKLOG) != 0) {
        rc = err_set(e, ERR_UNAVAILABLE, "listen", "cannot listen on %s: %s",
                     listen_on, strerror(errno));
        goto out;
    }
    rc = fd;
    fd = -1;
out:
    if (fd >= 0)
        close(fd);
    freeaddrinfo(res);
    return rc;
}

static void
on_signal(int sig)
{
    int saved = errno;
    char c = (char)sig;

    if (srv.wake[1] >= 0 && write(srv.wake[1], &c, 1) < 0) {
        /* nothing to do: the pipe is full, a wake-up is pending anyway */
    }
    errno = saved;
}

static void
wait_for_signal(void)
{
    struct pollfd p = {.fd = srv.wake[0], .events = POLLIN};
    char c = 0;

    for (;;) {
        if (poll(&p, 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_error("msg=\"poll failed\" error=\"%s\"", strerror(errno));
            return;
        }
        if (read(srv.wake[0], &c, 1) == 1) {
            log_info("msg=\"stopping\" signal=%d", (int)c);
            return;
        }
    }
}

static void
drain(void)
{
    struct timespec nap = {0, 20 * 1000 * 1000};
    int quiet = 0;
    int i;

    /* A request whose headers were still arriving at quiesce time shows up
     * in inflight a moment later: require a few quiet ticks in a row. */
    for (i = 0; i < DRAIN_SECONDS * 50; i++) {
        if (atomic_load(&srv.inflight) == 0) {
            if (++quiet >= 3)
                return;
        } else {
            quiet = 0;
        }
        nanosleep(&nap, NULL);
    }
    log_warn("msg=\"requests still running at shutdown\" inflight=%d",
             atomic_load(&srv.inflight));
}

int
http_serve(const struct http_config *cfg, struct err *e)
{
    struct sigaction sa, old_term, old_int;
    struct MHD_Daemon *d = NULL;
    unsigned flags;
    int lfd = -1;
    int rc;

    rc = router_check(http_routes, http_nroutes, e);
    if (rc < 0)
        return rc;
    srv.cfg = cfg;
    atomic_store(&srv.inflight, 0);
    atomic_store(&srv.stopping, 0);

    if (cfg->static_dir != NULL && cfg->static_dir[0] != '\0') {
        srv.static_fd = static_root_open(cfg->static_dir);
        if (srv.static_fd < 0)
            log_warn("msg=\"no web app: cannot open static directory\" "
                     "dir=\"%s\" error=\"%s\"",
                     cfg->static_dir, strerror(errno));
    }
    if (pipe2(srv.wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        rc = err_set(e, ERR_INTERNAL, NULL, "pipe: %s", strerror(errno));
        goto out;
    }
    lfd = open_listener(cfg->listen, e);
    if (lfd < 0) {
        rc = lfd;
        goto out;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGTERM, &sa, &old_term) != 0 ||
        sigaction(SIGINT, &sa, &old_int) != 0) {
        rc = err_set(e, ERR_INTERNAL, NULL, "sigaction: %s", strerror(errno));
        goto out;
    }

    flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
            MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_access, NULL, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET, lfd,
        MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned int)(cfg->threads > 1 ? cfg->threads : 1),
        MHD_OPTION_CONNECTION_LIMIT,
        (unsigned int)(cfg->max_connections ? cfg->max_connections : 1024),
        MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)(cfg->timeout_s ? cfg->timeout_s : 30),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_END);
    if (d == NULL) {
        rc = err_set(e, ERR_INTERNAL, NULL, "cannot start the HTTP server");
        goto restore;
    }
    log_info("msg=\"listening\" listen=%s threads=%u max_connections=%u "
             "static=\"%s\"",
             cfg->listen, cfg->threads, cfg->max_connections,
             srv.static_fd >= 0 ? cfg->static_dir : "");

    wait_for_signal();

    atomic_store(&srv.stopping, 1);
    if (MHD_quiesce_daemon(d) == MHD_INVALID_SOCKET)
        log_warn("msg=\"cannot stop accepting connections\"");
    else if (shutdown(lfd, SHUT_RDWR) != 0) /* refuse new clients at once */
        log_warn("msg=\"shutdown of the listening socket failed\"");
    streams_end_all(); /* SSE: MHD must not stop with suspended connections */
    drain();
    MHD_stop_daemon(d);
    d = NULL;
    rc = 0;
    log_info("msg=\"stopped\"");
restore:
    if (sigaction(SIGTERM, &old_term, NULL) != 0 ||
        sigaction(SIGINT, &old_int, NULL) != 0)
        log_warn("msg=\"cannot restore signal handlers\"");
out:
    if (lfd >= 0)
        close(lfd);
    if (srv.wake[0] >= 0) {
        close(srv.wake[0]);
        close(srv.wake[1]);
        srv.wake[0] = srv.wake[1] = -1;
    }
    if (srv.static_fd >= 0) {
        close(srv.static_fd);
        srv.static_fd = -1;
    }
    return rc;
}
