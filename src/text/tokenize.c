/* tokenize.c — Han bigrams + ASCII words (see tokenize.h for the rules).
 *
 * One pass over the code points. A Han run is emitted as it goes: each new
 * Han character forms a bigram with the one before it, and a run that ends
 * after a single character emits that character alone.
 */
#include "common.h"

#include "text/tokenize.h"
#include "util/utf8.h"

enum cls { CLS_SEP, CLS_WORD, CLS_HAN };

/* Decodes one code point of valid UTF-8 at s[*i], advancing *i. */
static unsigned
decode(const char *s, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    unsigned cp;

    if (p[0] < 0x80) {
        *i += 1;
        return p[0];
    }
    if ((p[0] & 0xE0) == 0xC0) {
        *i += 2;
        return ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    }
    if ((p[0] & 0xF0) == 0xE0) {
        *i += 3;
        cp = ((unsigned)(p[0] & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6);
        return cp | (p[2] & 0x3F);
    }
    *i += 4;
    cp = ((unsigned)(p[0] & 0x07) << 18) | ((unsigned)(p[1] & 0x3F) << 12);
    return cp | ((unsigned)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

static int
is_han(unsigned cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK unified */
           (cp >= 0x3400 && cp <= 0x4DBF) ||   /* extension A */
           (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compatibility */
           (cp >= 0x20000 && cp <= 0x3134F) || /* extensions B-G */
           cp == 0x3007;                       /* 〇 */
}

/* Class of a code point; for CLS_WORD *ascii is the folded character. */
static enum cls
classify(unsigned cp, char *ascii)
{
    /* RULE tokenize-fullwidth: Ａ..ｚ, ０..９ and full-width punctuation
     * fold to their ASCII forms before classifying. */
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp -= 0xFEE0;
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z') {
            *ascii = (char)(cp - 'A' + 'a');
            return CLS_WORD;
        }
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
            *ascii = (char)cp;
            return CLS_WORD;
        }
        return CLS_SEP;
    }
    if (is_han(cp))
        return CLS_HAN;
    return CLS_SEP; /* RULE tokenize-separators */
}

int
tokenize_walk(const char *s, size_t n, tokenize_fn fn, void *ctx)
{
    struct token t;
    size_t i = 0;
    size_t prev_start = 0, prev_end = 0; /* the Han character before */
    size_t han_run = 0;                  /* length of the current Han run */
    int word = 0;                        /* inside an ASCII word */
    int count = 0;
    int stop = 0;

    /* RULE tokenize-utf8 */
    if (!utf8_valid(s, n))
        return -1;
    while (i <= n && !stop) {
        size_t start = i;
        enum cls c = CLS_SEP;
        char a = 0;

        if (i < n)
            c = classify(decode(s, &i), &a);
        else
            i++; /* the end acts as a separator */

        if (word && c != CLS_WORD) {
            t.text[t.len] = '\0';
            count++;
            stop = fn && fn(&t, ctx);
            word = 0;
            if (stop)
                break;
        }
        if (han_run == 1 && c != CLS_HAN) {
            /* RULE tokenize-han-bigram: a run of one is its character. */
            t.len = prev_end - prev_start;
            memcpy(t.text, s + prev_start, t.len);
            t.text[t.len] = '\0';
            t.start = prev_start;
            t.end = prev_end;
            count++;
            stop = fn && fn(&t, ctx);
            if (stop)
                break;
        }
        if (c != CLS_HAN)
            han_run = 0;
        if (c == CLS_WORD) {
            if (!word) {
                word = 1;
                t.len = 0;
                t.start = start;
            }
            if (t.len < TOKEN_MAX)
                t.text[t.len++] = a;
            t.end = i;
        } else if (c == CLS_HAN) {
            if (han_run > 0) {
                t.len = i - prev_start;
                memcpy(t.text, s + prev_start, t.len);
                t.text[t.len] = '\0';
                t.start = prev_start;
                t.end = i;
                count++;
                stop = fn && fn(&t, ctx);
            }
            han_run++;
            prev_start = start;
            prev_end = i;
        }
    }
    return count;
}

struct fill {
    struct token *toks;
    int max;
    int n;
};

static int
fill_one(const struct token *t, void *ctx)
{
    struct fill *f = ctx;

    if (f->n < f->max)
        f->toks[f->n++] = *t;
    return 0;
}

int
tokenize(const char *s, size_t n, struct token *toks, int max, int *ntok)
{
    struct fill f = {toks, max, 0};
    int rc;

    rc = tokenize_walk(s, n, fill_one, &f);
    *ntok = rc < 0 ? 0 : f.n;
    return rc;
}

static int
join_one(const struct token *t, void *ctx)
{
    struct buf *out = ctx;

    if (out->len > 0)
        buf_addc(out, ' ');
    buf_add(out, t->text, t->len);
    return out->failed;
}

int
tokenize_join(const char *s, size_t n, struct buf *out)
{
    return tokenize_walk(s, n, join_one, out);
}
