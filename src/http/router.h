/* router.h — matching a request path against the route table (pure).
 *
 * Patterns are literal segments and ":name" captures, e.g.
 * "/api/v1/cases/:id/:action". A capture matches one non-empty segment.
 * The first route (in table order) whose pattern and method both match wins;
 * HEAD matches GET routes. Paths match exactly: no trailing-slash folding.
 */
#ifndef HOTLINE_ROUTER_H
#define HOTLINE_ROUTER_H

#include <stddef.h>

#include "http/http.h"
#include "util/arena.h"
#include "util/err.h"

#define ROUTER_NO_PATH (-1)   /* no pattern matches the path: 404 */
#define ROUTER_NO_METHOD (-2) /* a pattern matches, not the method: 405 */

struct router_match {
    const char *params[HTTP_MAX_PARAMS]; /* captures (arena copies) */
    int nparams;
    char allow[64]; /* for ROUTER_NO_METHOD: "GET, HEAD, POST" */
};

/* Returns the index of the matching route, or ROUTER_NO_PATH /
 * ROUTER_NO_METHOD. Captures are copied into a (only on a match). */
int router_match(const struct route *routes, size_t n, const char *method,
                 const char *path, struct arena *a, struct router_match *m);

/* Checks a route table once at startup: known methods, patterns starting
 * with '/', at most HTTP_MAX_PARAMS captures, a handler on each route.
 * 0 ok, < 0 with e naming the first bad route. */
int router_check(const struct route *routes, size_t n, struct err *e);

#endif
