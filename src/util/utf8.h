/* utf8.h — UTF-8 validation and counting (pure). */
#ifndef HOTLINE_UTF8_H
#define HOTLINE_UTF8_H

#include <stddef.h>

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF), else 0. */
int utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8. */
size_t utf8_chars(const char *s, size_t n);
/* Length in bytes of the longest prefix of valid UTF-8 s holding at most
 * max_chars code points: never cuts a sequence. */
size_t utf8_prefix(const char *s, size_t n, size_t max_chars);

#endif
