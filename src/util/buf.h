/* buf.h — growable string with a hard limit and a sticky error.
 *
 * Append freely; check buf.failed once at the end (set when the limit would
 * be passed or formatting failed). data is always NUL-terminated.
 * Never cuts a UTF-8 sequence: buf_add_utf8_prefix stops at a boundary.
 */
#ifndef HOTLINE_BUF_H
#define HOTLINE_BUF_H

#include <stddef.h>

struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t limit;
    int failed;
};

void buf_init(struct buf *b, size_t limit);
void buf_add(struct buf *b, const char *s, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
/* Returns the data and leaves b empty; the caller frees the result. */
char *buf_detach(struct buf *b, size_t *len);
void buf_release(struct buf *b);

#endif
