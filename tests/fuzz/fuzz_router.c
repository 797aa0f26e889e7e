/* fuzz_router.c — router_match against the real route table, http_routes.
 *
 * Input: "METHOD PATH" (split at the first space; with no space the method
 * is GET and the whole input is the path), cut at the first NUL.
 *
 * Invariants:
 *  - the result is an index into http_routes, ROUTER_NO_PATH or
 *    ROUTER_NO_METHOD, and the same as an independent segment-by-segment
 *    matcher (ref_match) gives;
 *  - on a match the route's method is the request's (HEAD matches GET),
 *    every capture is non-empty and contains no '/', and substituting the
 *    captures into the pattern gives back the path exactly;
 *  - on ROUTER_NO_METHOD, Allow is a non-empty, NUL-terminated list that
 *    names only methods of routes whose pattern matches the path. */
#include "common.h"

#include "fuzz.h"
#include "http/http.h"
#include "http/router.h"

/* 1 when path matches pattern: same number of '/'-separated segments, each
 * literal equal, each ":name" non-empty. */
static int
ref_pattern(const char *pattern, const char *path)
{
    const char *p = pattern, *s = path;

    if (*p != '/' || *s != '/')
        return 0;
    while (*p == '/' && *s == '/') {
        size_t pl, sl;

        p++;
        s++;
        pl = strcspn(p, "/");
        sl = strcspn(s, "/");
        if (p[0] == ':') {
            if (sl == 0)
                return 0;
        } else if (pl != sl || strncmp(p, s, pl) != 0) {
            return 0;
        }
        p += pl;
        s += sl;
    }
    return *p == '\0' && *s == '\0';
}

static int
ref_method(const char *route, const char *method)
{
    return strcmp(route, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route, "GET") == 0);
}

static int
ref_match(const char *method, const char *path)
{
    int seen = 0;
    size_t i;

    for (i = 0; i < http_nroutes; i++) {
        if (!ref_pattern(http_routes[i].pattern, path))
            continue;
        if (ref_method(http_routes[i].method, method))
            return (int)i;
        seen = 1;
    }
    return seen ? ROUTER_NO_METHOD : ROUTER_NO_PATH;
}

/* Rebuilds the path from the route's pattern and the captures. */
static void
check_rebuild(const char *pattern, const struct router_match *m,
              const char *path)
{
    char out[8192];
    size_t used = 0;
    int k = 0;
    const char *p = pattern;

    while (*p != '\0') {
        const char *piece = p;
        size_t len;

        if (p[0] == ':' && p > pattern && p[-1] == '/') {
            FUZZ_CHECK(k < m->nparams);
            piece = m->params[k++];
            len = strlen(piece);
            p += strcspn(p, "/");
        } else {
            len = 1;
            p++;
        }
        FUZZ_CHECK(used + len < sizeof(out));
        memcpy(out + used, piece, len);
        used += len;
    }
    out[used] = '\0';
    FUZZ_CHECK(k == m->nparams);
    FUZZ_CHECK(strcmp(out, path) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct router_match m;
    struct arena a;
    const char *method = "GET";
    char *in, *path, *sp;
    size_t n, i;
    int rc, j;

    if (size > 4096) /* the server refuses URLs over 2048 bytes */
        return 0;
    in = fuzz_cstr(data, size, &n);
    path = in;
    sp = strchr(in, ' ');
    if (sp != NULL) {
        *sp = '\0';
        method = in;
        path = sp + 1;
    }
    arena_init(&a, 1 << 20);
    memset(&m, 0x5A, sizeof(m));
    rc = router_match(http_routes, http_nroutes, method, path, &a, &m);
    FUZZ_CHECK(rc == ROUTER_NO_PATH || rc == ROUTER_NO_METHOD ||
               (rc >= 0 && (size_t)rc < http_nroutes));
    FUZZ_CHECK(rc == ref_match(method, path));
    if (rc >= 0) {
        const struct route *r = &http_routes[rc];

        FUZZ_CHECK(ref_method(r->method, method));
        FUZZ_CHECK(m.nparams >= 0 && m.nparams <= HTTP_MAX_PARAMS);
        for (j = 0; j < m.nparams; j++) {
            FUZZ_CHECK(m.params[j] != NULL);
            FUZZ_CHECK(m.params[j][0] != '\0');
            FUZZ_CHECK(strchr(m.params[j], '/') == NULL);
        }
        check_rebuild(r->pattern, &m, path);
    } else {
        FUZZ_CHECK(m.nparams == 0);
        FUZZ_CHECK(memchr(m.allow, '\0', sizeof(m.allow)) != NULL);
    }
    if (rc == ROUTER_NO_METHOD) {
        char allow[sizeof(m.allow)];
        char *tok, *save = NULL;

        FUZZ_CHECK(m.allow[0] != '\0');
        memcpy(allow, m.allow, sizeof(allow));
        for (tok = strtok_r(allow, ", ", &save); tok != NULL;
             tok = strtok_r(NULL, ", ", &save)) {
            int found = 0;

            for (i = 0; i < http_nroutes; i++)
                if (ref_pattern(http_routes[i].pattern, path) &&
                    ref_method(http_routes[i].method, tok))
                    found = 1;
            FUZZ_CHECK(found);
            FUZZ_CHECK(strcmp(tok, method) != 0);
        }
    }
    arena_release(&a);
    free(in);
    return 0;
}
