/* buf.c — bounded growable string with a sticky error. */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>

#include "util/buf.h"

/* data points here while nothing is allocated, so it is always a string. */
static char buf_empty[1];

void
buf_init(struct buf *b, size_t limit)
{
    b->data = buf_empty;
    b->len = 0;
    b->cap = 0;
    b->limit = limit;
    b->failed = 0;
}

/* Makes room for n more bytes plus the NUL; 0 ok, -1 (and failed) if the
 * limit would be passed. */
static int
buf_grow(struct buf *b, size_t n)
{
    size_t want;
    size_t cap;

    if (b->failed)
        return -1;
    if (n > b->limit || b->len > b->limit - n) {
        b->failed = 1;
        return -1;
    }
    want = b->len + n + 1;
    if (want <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap = cap > SIZE_MAX / 2 ? want : cap * 2;
    if (cap > b->limit + 1)
        cap = b->limit + 1;
    if (b->cap == 0) {
        b->data = xmalloc(cap);
        b->data[0] = '\0';
    } else {
        b->data = xrealloc(b->data, cap);
    }
    b->cap = cap;
    return 0;
}

void
buf_add(struct buf *b, const char *s, size_t n)
{
    if (buf_grow(b, n) < 0)
        return;
    if (n > 0)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
    buf_add(b, &c, 1);
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    size_t room;
    int n;

    if (b->failed)
        return;
    room = b->cap > b->len ? b->cap - b->len : 0;
    va_start(ap, fmt);
    n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        if (b->cap)
            b->data[b->len] = '\0';
        return;
    }
    if ((size_t)n < room) {
        b->len += (size_t)n;
        return;
    }
    if (buf_grow(b, (size_t)n) < 0) {
        if (b->cap)
            b->data[b->len] = '\0'; /* undo the partial write */
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        b->data[b->len] = '\0';
        return;
    }
    b->len += (size_t)n;
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->cap)
        b->data[0] = '\0';
}

char *
buf_detach(struct buf *b, size_t *len)
{
    char *p;

    if (b->cap == 0)
        p = xstrdup("");
    else
        p = b->data;
    if (len != NULL)
        *len = b->len;
    b->data = buf_empty;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
    return p;
}

void
buf_release(struct buf *b)
{
    if (b->cap)
        free(b->data);
    b->data = buf_empty;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}
