/* router.c — segment-wise matching of paths against route patterns. */
#include "common.h"

#include "http/router.h"

/* Matches path against pattern. Records capture spans in starts/lens.
 * Returns the number of captures (>= 0), or -1 when it does not match. */
static int
match_pattern(const char *pattern, const char *path, const char **starts,
              size_t *lens)
{
    const char *p = pattern;
    const char *s = path;
    const char *pend;
    const char *send;
    int n = 0;

    if (*p != '/' || *s != '/')
        return -1;
    while (*p == '/' && *s == '/') {
        p++;
        s++;
        pend = strchrnul(p, '/');
        send = strchrnul(s, '/');
        if (*p == ':') {
            if (send == s || n >= HTTP_MAX_PARAMS)
                return -1;
            starts[n] = s;
            lens[n] = (size_t)(send - s);
            n++;
        } else if (pend - p != send - s || memcmp(p, s, (size_t)(pend - p))) {
            return -1;
        }
        p = pend;
        s = send;
    }
    return *p == '\0' && *s == '\0' ? n : -1;
}

static int
method_matches(const char *route_method, const char *method)
{
    if (strcmp(route_method, method) == 0)
        return 1;
    return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

/* Adds a method to the Allow list once (plus HEAD after GET). */
static void
allow_add(char *allow, size_t cap, const char *method)
{
    size_t len = strlen(allow);
    size_t mlen = strlen(method);
    const char *p = allow;

    while ((p = strstr(p, method)) != NULL) {
        if ((p == allow || p[-1] == ' ') && (p[mlen] == ',' || p[mlen] == '\0'))
            return;
        p += mlen;
    }
    if (len + mlen + 3 > cap)
        return;
    if (len > 0) {
        memcpy(allow + len, ", ", 2);
        len += 2;
    }
    memcpy(allow + len, method, mlen + 1);
    if (strcmp(method, "GET") == 0)
        allow_add(allow, cap, "HEAD");
}

int
router_match(const struct route *routes, size_t n, const char *method,
             const char *path, struct arena *a, struct router_match *m)
{
    const char *starts[HTTP_MAX_PARAMS];
    size_t lens[HTTP_MAX_PARAMS];
    int path_seen = 0;
    size_t i;
    int k;
    int j;

    m->nparams = 0;
    m->allow[0] = '\0';
    for (i = 0; i < n; i++) {
        k = match_pattern(routes[i].pattern, path, starts, lens);
        if (k < 0)
            continue;
        if (!method_matches(routes[i].method, method)) {
            path_seen = 1;
            allow_add(m->allow, sizeof(m->allow), routes[i].method);
            continue;
        }
        for (j = 0; j < k; j++)
            m->params[j] = arena_strndup(a, starts[j], lens[j]);
        m->nparams = k;
        return (int)i;
    }
    return path_seen ? ROUTER_NO_METHOD : ROUTER_NO_PATH;
}

int
router_check(const struct route *routes, size_t n, struct err *e)
{
    static const char *const methods[] = {"GET", "POST", "PATCH", "PUT",
                                          "DELETE"};
    const char *p;
    size_t i;
    size_t j;
    int caps;

    for (i = 0; i < n; i++) {
        const struct route *r = &routes[i];

        if (r->method == NULL || r->pattern == NULL || r->handler == NULL)
            return err_set(e, ERR_INTERNAL, NULL,
                           "route %zu: method, pattern and handler required",
                           i);
        for (j = 0; j < ARRAY_SIZE(methods); j++)
            if (strcmp(r->method, methods[j]) == 0)
                break;
        if (j == ARRAY_SIZE(methods))
            return err_set(e, ERR_INTERNAL, NULL, "route %s %s: bad method",
                           r->method, r->pattern);
        if (r->pattern[0] != '/')
            return err_set(e, ERR_INTERNAL, NULL,
                           "route %s %s: pattern must start with '/'",
                           r->method, r->pattern);
        caps = 0;
        for (p = r->pattern; *p != '\0'; p++) {
            if (p[0] == '/' && p[1] == ':')
                caps++;
            if (p[0] == '/' &&
                (p[1] == '/' || (p[1] == '\0' && p != r->pattern) ||
                 (p[1] == ':' && (p[2] == '/' || p[2] == '\0'))))
                return err_set(e, ERR_INTERNAL, NULL,
                               "route %s %s: empty segment or capture name",
                               r->method, r->pattern);
        }
        if (caps > HTTP_MAX_PARAMS)
            return err_set(e, ERR_INTERNAL, NULL,
                           "route %s %s: more than %d captures", r->method,
                           r->pattern, HTTP_MAX_PARAMS);
        if (r->access == ACCESS_STAFF && r->roles == 0)
            return err_set(e, ERR_INTERNAL, NULL,
                           "route %s %s: staff route with no roles",
                           r->method, r->pattern);
    }
    return 0;
}
