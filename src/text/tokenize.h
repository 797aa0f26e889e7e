/* tokenize.h — cuts mixed Chinese/ASCII text into search tokens (pure).
 *
 * RULE tokenize-han-bigram: a run of Han characters gives its overlapping
 * bigrams (停水通知 -> 停水 水通 通知); a run of one gives that character.
 * RULE tokenize-ascii: a run of ASCII letters and digits is one token,
 * lower-cased (WiFi5G -> wifi5g); a Han character ends it.
 * RULE tokenize-fullwidth: full-width forms U+FF01..FF5E are folded to
 * ASCII first (Ａ -> a, １ -> 1); full-width punctuation and U+3000 are
 * separators like their ASCII forms.
 * RULE tokenize-separators: everything else (ASCII punctuation, spaces,
 * CJK punctuation, emoji, symbols, letters of other scripts) separates.
 * RULE tokenize-utf8: invalid UTF-8 is rejected (-1), nothing is produced.
 *
 * The same tokens feed the index and the queries, so a query term matches
 * exactly when its tokens occur in the text.
 */
#ifndef HOTLINE_TOKENIZE_H
#define HOTLINE_TOKENIZE_H

#include <stddef.h>
#include "util/buf.h"

/* Longest token in bytes (an ASCII word is cut there; a bigram is <= 8). */
#define TOKEN_MAX 64

struct token {
    char text[TOKEN_MAX + 1]; /* folded, NUL-terminated */
    size_t len;
    size_t start; /* byte range of the token in the source text */
    size_t end;
};

/* Called for each token in order; return non-zero to stop. */
typedef int (*tokenize_fn)(const struct token *t, void *ctx);

/* Walks s[0..n): returns the number of tokens produced, or -1 for invalid
 * UTF-8 (before any callback). */
int tokenize_walk(const char *s, size_t n, tokenize_fn fn, void *ctx);

/* Fills toks[0..max) with the first tokens of s; *ntok = how many. Returns
 * the total number of tokens in s (may exceed max), or -1 for invalid
 * UTF-8. */
int tokenize(const char *s, size_t n, struct token *toks, int max, int *ntok);

/* Appends the tokens of s to out separated by single spaces (with one
 * leading space when out is not empty). Returns the number of tokens or -1
 * for invalid UTF-8 (out unchanged). out->failed when its limit is hit. */
int tokenize_join(const char *s, size_t n, struct buf *out);

#endif
