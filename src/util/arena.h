/* arena.h — request-lifetime memory.
 *
 * Allocations live until arena_release(); nothing is freed one by one.
 * Out of memory aborts (like xmalloc). A hard limit bounds each arena so a
 * request cannot take the process down; past it arena_alloc aborts with a BUG
 * line, so callers bound their inputs before they get here.
 */
#ifndef HOTLINE_ARENA_H
#define HOTLINE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
    size_t used_total;
    size_t limit;
};

void arena_init(struct arena *a, size_t limit);
void *arena_alloc(struct arena *a, size_t n);          /* zeroed, 16-aligned */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void arena_release(struct arena *a);

/* Abort-on-OOM allocation for long-lived memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
