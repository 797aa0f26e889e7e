/* fuzz_static.c — static_path_ok (and static_mime) on arbitrary paths.
 *
 * The path is what the server has after decoding the URL, cut at the first
 * NUL (the server answers 400 to a URL with NUL before static code runs).
 *
 * Invariants: static_path_ok accepts exactly what an independent reading of
 * its contract accepts — starts with '/', no empty, "." or ".." segment, no
 * dotfile, no backslash, no control byte — so no accepted path can climb
 * out of the root; "/" alone is fine. (A NUL cannot reach it: it takes a
 * C string, and the server rejects a URL holding one with 400.) static_mime
 * always returns a type. */
#include "common.h"

#include "fuzz.h"
#include "http/static.h"

static int
ref_path_ok(const char *s, size_t n)
{
    size_t i, seg;

    if (n == 0 || s[0] != '/')
        return 0;
    if (n == 1)
        return 1;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\')
            return 0;
    seg = 1;
    for (i = 1; i <= n; i++) {
        if (i == n || s[i] == '/') {
            if (i == seg)      /* empty segment: "//" or trailing '/' */
                return 0;
            if (s[seg] == '.') /* ".", "..", ".env" */
                return 0;
            seg = i + 1;
        }
    }
    return 1;
}

/* 1 when some segment of s is ".." (what an escape needs). */
static int
has_dotdot(const char *s)
{
    const char *p = s;

    while ((p = strstr(p, "..")) != NULL) {
        if ((p == s || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
            return 1;
        p++;
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *mime;
    size_t n;
    char *s;
    int ok;

    if (size > 4096)
        return 0;
    s = fuzz_cstr(data, size, &n);
    ok = static_path_ok(s);
    FUZZ_CHECK(ok == 0 || ok == 1);
    FUZZ_CHECK(ok == ref_path_ok(s, n));
    if (ok) {
        FUZZ_CHECK(!has_dotdot(s));
        FUZZ_CHECK(strstr(s, "/.") == NULL);
        FUZZ_CHECK(strchr(s, '\\') == NULL);
        FUZZ_CHECK(n == 1 || s[n - 1] != '/');
    }
    mime = static_mime(s);
    FUZZ_CHECK(mime != NULL && mime[0] != '\0');
    free(s);
    return 0;
}
