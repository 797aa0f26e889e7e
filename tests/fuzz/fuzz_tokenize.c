/* fuzz_tokenize.c — tokenize_walk / tokenize / tokenize_join on arbitrary
 * bytes.
 *
 * Invariants:
 *  - invalid UTF-8 gives -1 and no token (RULE tokenize-utf8);
 *  - every token is non-empty, at most TOKEN_MAX bytes, NUL-terminated,
 *    itself valid UTF-8 with no space, and its source range lies inside
 *    the input, after the previous token's start;
 *  - tokens are either lower-case ASCII [a-z0-9] or one or two Han
 *    characters copied from the source range;
 *  - the joined form re-tokenizes to the same tokens (what the index
 *    stores is what a query of it produces);
 *  - search_match_expr (the input as a query) succeeds or is a validation
 *    error on field q, and its expression holds only quoted terms joined by
 *    AND/OR, quotes balanced;
 *  - search_snippet (the input as text, its first 16 bytes as the query) is
 *    valid UTF-8, has no raw '<' or '>' outside
 *    <mark>/</mark>, and its marks are balanced and not nested. */
#include "common.h"

#include "fuzz.h"
#include "text/search.h"
#include "text/tokenize.h"
#include "util/buf.h"
#include "util/utf8.h"

struct check {
    const char *s;
    size_t n;
    size_t last_start;
    int count;
};

static int
check_one(const struct token *t, void *ctx)
{
    struct check *c = ctx;
    size_t i;

    FUZZ_CHECK(t->len > 0 && t->len <= TOKEN_MAX);
    FUZZ_CHECK(t->text[t->len] == '\0');
    FUZZ_CHECK(strlen(t->text) == t->len);
    FUZZ_CHECK(t->start < t->end && t->end <= c->n);
    FUZZ_CHECK(c->count == 0 || t->start >= c->last_start);
    FUZZ_CHECK(utf8_valid(t->text, t->len));
    if ((unsigned char)t->text[0] < 0x80) {
        for (i = 0; i < t->len; i++)
            FUZZ_CHECK((t->text[i] >= 'a' && t->text[i] <= 'z') ||
                       (t->text[i] >= '0' && t->text[i] <= '9'));
    } else {
        FUZZ_CHECK(t->len == t->end - t->start);
        FUZZ_CHECK(memcmp(t->text, c->s + t->start, t->len) == 0);
        FUZZ_CHECK(utf8_chars(t->text, t->len) <= 2);
    }
    c->last_start = t->start;
    c->count++;
    return 0;
}

static void
check_search(const char *s, size_t size)
{
    struct err e = ERR_INIT;
    struct buf x, sn;
    char *q, *text;
    size_t qn = size < 16 ? size : 16;
    int rc, quotes = 0, open = 0;

    /* both functions take C strings: stop at the first NUL */
    text = malloc(size + 1);
    q = malloc(qn + 1);
    if (!text || !q)
        abort();
    memcpy(text, s, size);
    text[size] = '\0';
    memcpy(q, s, qn);
    q[qn] = '\0';

    buf_init(&x, 1 << 16);
    rc = search_match_expr(text, SEARCH_ALL, &x, &e);
    FUZZ_CHECK(rc == 0 || (rc == -ERR_VALIDATION && strcmp(e.field, "q") == 0));
    if (rc == 0) {
        for (size_t i = 0; i < x.len; i++) {
            FUZZ_CHECK(x.data[i] != '(' && x.data[i] != '*' && x.data[i] != ':');
            quotes += x.data[i] == '"';
        }
        FUZZ_CHECK(quotes > 0 && quotes % 2 == 0);
    }
    buf_release(&x);

    buf_init(&sn, 1 << 20);
    search_snippet(text, q, 40, &sn);
    if (sn.len && !sn.failed) {
        FUZZ_CHECK(utf8_valid(sn.data, sn.len));
        for (size_t i = 0; i < sn.len; i++) {
            if (strncmp(sn.data + i, "<mark>", 6) == 0) {
                FUZZ_CHECK(!open);
                open = 1;
                i += 5;
            } else if (strncmp(sn.data + i, "</mark>", 7) == 0) {
                FUZZ_CHECK(open);
                open = 0;
                i += 6;
            } else {
                FUZZ_CHECK(sn.data[i] != '<' && sn.data[i] != '>');
            }
        }
        FUZZ_CHECK(!open);
    }
    buf_release(&sn);
    free(q);
    free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1); /* exactly sized: ASan sees over-reads */
    struct check c = {NULL, size, 0, 0};
    struct token toks[8];
    struct buf a, b;
    int n, total, again;

    if (s == NULL)
        abort();
    memcpy(s, data, size);
    c.s = s;
    n = tokenize_walk(s, size, check_one, &c);
    FUZZ_CHECK(n == (utf8_valid(s, size) ? c.count : -1));
    if (n < 0)
        FUZZ_CHECK(c.count == 0);

    total = tokenize(s, size, toks, 8, &again);
    FUZZ_CHECK(total == n);
    FUZZ_CHECK(again == (n < 0 ? 0 : (n < 8 ? n : 8)));

    buf_init(&a, 1 << 20);
    buf_init(&b, 1 << 20);
    if (tokenize_join(s, size, &a) >= 0 && !a.failed) {
        again = tokenize_join(a.data ? a.data : "", a.len, &b);
        FUZZ_CHECK(again == n);
        FUZZ_CHECK(a.len == b.len);
        FUZZ_CHECK(a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
    }
    buf_release(&a);
    buf_release(&b);
    check_search(s, size);
    free(s);
    return 0;
}
