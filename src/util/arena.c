/* arena.c — request-lifetime memory: a list of blocks, freed all at once. */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>

#define ARENA_ALIGN 16
#define ARENA_BLOCK_MIN 8192

struct arena_block {
    struct arena_block *next;
    size_t size; /* usable bytes in data */
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL) {
        log_msg(LOG_FATAL, "msg=\"out of memory\" bytes=%zu", n);
        abort();
    }
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL) {
        log_msg(LOG_FATAL, "msg=\"out of memory\" count=%zu size=%zu", n,
                size);
        abort();
    }
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL) {
        log_msg(LOG_FATAL, "msg=\"out of memory\" bytes=%zu", n);
        abort();
    }
    return q;
}

char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);

    memcpy(p, s, n);
    return p;
}

void
arena_init(struct arena *a, size_t limit)
{
    a->head = NULL;
    a->used_total = 0;
    a->limit = limit;
}

void *
arena_alloc(struct arena *a, size_t n)
{
    struct arena_block *b = a->head;
    size_t need;
    size_t size;
    void *p;

    if (n > SIZE_MAX / 2)
        BUG("arena allocation of %zu bytes", n);
    need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need == 0)
        need = ARENA_ALIGN;
    if (a->limit != 0 && need > a->limit - a->used_total)
        BUG("arena limit %zu passed (used %zu, asked %zu)", a->limit,
            a->used_total, n);

    if (b == NULL || b->size - b->used < need) {
        size = need > ARENA_BLOCK_MIN ? need : ARENA_BLOCK_MIN;
        if (b != NULL && b->size * 2 > size && b->size < 1024 * 1024)
            size = b->size * 2; /* grow geometrically up to 1 MiB blocks */
        b = xmalloc(sizeof(*b) + size);
        b->size = size;
        b->used = 0;
        if (a->head != NULL && need > ARENA_BLOCK_MIN &&
            a->head->size - a->head->used >= ARENA_BLOCK_MIN) {
            /* a big one-off: keep the current block for small allocations */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    p = b->data + b->used;
    b->used += need;
    a->used_total += need;
    memset(p, 0, need);
    return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    char *p;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        BUG("arena_printf: bad format \"%s\"", fmt);
    if ((size_t)n < sizeof(small))
        return arena_strndup(a, small, (size_t)n);

    p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    n = vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        BUG("arena_printf: bad format \"%s\"", fmt);
    return p;
}

void
arena_release(struct arena *a)
{
    struct arena_block *b = a->head;
    struct arena_block *next;

    while (b != NULL) {
        next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
}
