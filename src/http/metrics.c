/* metrics.c — counters in fixed arrays of atomics: no locks on the request
 * path, no allocation, and a bounded label set (routes come from the table,
 * never from the request). */
#include "common.h"

#include <stdatomic.h>

#include "db/db.h"
#include "http/metrics.h"
#include "org/user.h"
#include "util/buf.h"

#define MAX_ROUTES 128 /* more than the table holds; checked below */
#define CLASSES 5      /* 1xx-2xx, 3xx, 4xx, 5xx, other */

static const double bucket_ms[] = {1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000};
#define NBUCKETS (sizeof(bucket_ms) / sizeof(bucket_ms[0]))

static atomic_ullong requests[MAX_ROUTES + 1][CLASSES];
static atomic_ullong buckets[NBUCKETS + 1];
static atomic_ullong micros_total;

static int
status_class(int status)
{
    if (status < 300)
        return 0;
    if (status < 400)
        return 1;
    if (status < 500)
        return 2;
    if (status < 600)
        return 3;
    return 4;
}

void
metrics_observe(const struct route *route, int status, double ms)
{
    size_t idx = MAX_ROUTES, b;

    if (route) {
        idx = (size_t)(route - http_routes);
        if (idx >= http_nroutes || idx >= MAX_ROUTES)
            idx = MAX_ROUTES;
    }
    atomic_fetch_add_explicit(&requests[idx][status_class(status)], 1,
                              memory_order_relaxed);
    for (b = 0; b < NBUCKETS && ms > bucket_ms[b]; b++)
        ;
    atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&micros_total,
                              (unsigned long long)(ms * 1000.0),
                              memory_order_relaxed);
}

static int
loopback(const char *ip)
{
    return ip && (strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "::1") == 0 ||
                  strncmp(ip, "127.", 4) == 0 ||
                  strcmp(ip, "::ffff:127.0.0.1") == 0);
}

static void
add_gauges(struct buf *b, struct err *e)
{
    struct db *db = db_thread(e);
    struct db_stmt *st;
    int64_t n;

    if (!db)
        return;
    buf_adds(b, "# HELP hotline_cases Cases by status.\n"
                "# TYPE hotline_cases gauge\n");
    st = db_query(db, e, "SELECT status, COUNT(*) FROM cases GROUP BY status",
                  "");
    if (st) {
        while (db_step(st, e) > 0)
            buf_addf(b, "hotline_cases{status=\"%s\"} %lld\n",
                     db_col_text(st, 0), (long long)db_col_int(st, 1));
        db_reset(st);
    }
    if (db_query_int(db, e, &n,
                     "SELECT COUNT(*) FROM outbox WHERE state = 'pending'", "") == 1)
        buf_addf(b,
                 "# HELP hotline_outbox_pending Notifications not yet sent.\n"
                 "# TYPE hotline_outbox_pending gauge\n"
                 "hotline_outbox_pending %lld\n",
                 (long long)n);
}

int
h_metrics(struct req *r, struct resp *out, struct err *e)
{
    static const char *const class_names[CLASSES] = {"2xx", "3xx", "4xx",
                                                     "5xx", "other"};
    unsigned long long cumulative = 0;
    struct buf b;
    size_t len;

    if (!loopback(r->client_ip) && !(r->user && r->user->role == ROLE_ADMIN))
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "metrics: only from this host or for admins");
    buf_init(&b, 1 << 20);
    buf_adds(&b, "# HELP hotline_http_requests_total Requests by route and "
                 "status class.\n# TYPE hotline_http_requests_total counter\n");
    for (size_t i = 0; i <= http_nroutes && i <= MAX_ROUTES; i++) {
        size_t idx = i == http_nroutes ? MAX_ROUTES : i;
        for (int c = 0; c < CLASSES; c++) {
            unsigned long long n = atomic_load(&requests[idx][c]);
            if (n == 0)
                continue;
            if (idx == MAX_ROUTES)
                buf_addf(&b,
                         "hotline_http_requests_total{route=\"other\","
                         "code=\"%s\"} %llu\n",
                         class_names[c], n);
            else
                buf_addf(&b,
                         "hotline_http_requests_total{method=\"%s\","
                         "route=\"%s\",code=\"%s\"} %llu\n",
                         http_routes[idx].method, http_routes[idx].pattern,
                         class_names[c], n);
        }
    }
    buf_adds(&b, "# HELP hotline_http_request_duration_seconds Time to "
                 "answer.\n# TYPE hotline_http_request_duration_seconds "
                 "histogram\n");
    for (size_t k = 0; k <= NBUCKETS; k++) {
        cumulative += atomic_load(&buckets[k]);
        if (k < NBUCKETS)
            buf_addf(&b,
                     "hotline_http_request_duration_seconds_bucket{le=\"%g\"} "
                     "%llu\n",
                     bucket_ms[k] / 1000.0, cumulative);
        else
            buf_addf(&b,
                     "hotline_http_request_duration_seconds_bucket{le=\"+Inf\"}"
                     " %llu\n",
                     cumulative);
    }
    buf_addf(&b,
             "hotline_http_request_duration_seconds_sum %.6f\n"
             "hotline_http_request_duration_seconds_count %llu\n",
             (double)atomic_load(&micros_total) / 1e6, cumulative);
    add_gauges(&b, e);
    if (b.failed) {
        buf_release(&b);
        return err_set(e, ERR_INTERNAL, NULL, "metrics: output too large");
    }
    out->status = 200;
    out->content_type = "text/plain; version=0.0.4; charset=utf-8";
    out->body = buf_detach(&b, &len);
    out->body_len = len;
    return 0;
}
