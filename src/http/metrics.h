/* metrics.h — request counters and latencies for GET /metrics (Prometheus). */
#ifndef HOTLINE_METRICS_H
#define HOTLINE_METRICS_H

#include "http/http.h"

/* Counts one finished request. route is NULL for static files and
 * unmatched paths. Lock-free; called from every worker. */
void metrics_observe(const struct route *route, int status, double ms);

/* GET /metrics: loopback clients or an admin session only. */
int h_metrics(struct req *r, struct resp *out, struct err *e);

#endif
