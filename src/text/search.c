/* search.c — the FTS5 side of search.h.
 *
 * The index stores the space-joined tokens of text/tokenize.c; a query is
 * tokenized the same way and turned into an FTS5 expression of quoted
 * tokens, so the engine's own tokenizer ('ascii') never has to understand
 * Chinese. Statements are literals per kind (the statement cache is keyed by
 * the literal's address), hence the small switch in each function.
 */
#include "common.h"

#include "text/search.h"
#include "text/tokenize.h"
#include "util/log.h"
#include "util/utf8.h"

#define QUERY_MAX_TOKENS 64  /* tokens one query may use */
#define QUERY_MAX_BYTES 2048 /* longest q accepted */
#define SNIPPET_LEAD 12      /* characters shown before the first match */
#define SNIPPET_MAX_MARKS 256

/* ---- indexing ----------------------------------------------------------- */

/* Appends the tokens of s (at most SEARCH_MAX_TEXT bytes of it). */
static int
add_tokens(struct buf *b, const char *s, struct err *e)
{
    size_t n;

    if (!s)
        return 0;
    n = strlen(s);
    if (n > SEARCH_MAX_TEXT)
        n = utf8_prefix(s, SEARCH_MAX_TEXT, (size_t)-1);
    if (tokenize_join(s, n, b) < 0)
        return err_set(e, ERR_VALIDATION, NULL, "text: not valid UTF-8");
    return 0;
}

static int
index_tokens(struct db *db, enum search_kind kind, int64_t id,
             const char *tokens, struct err *e)
{
    int64_t rc;

    if (search_remove(db, kind, id, e) < 0)
        return -1;
    if (kind == SEARCH_CASES)
        rc = db_exec(db, e,
                     "INSERT INTO search_cases (rowid, tokens) VALUES (?, ?)",
                     "it", id, tokens);
    else
        rc = db_exec(db, e, "INSERT INTO search_kb (rowid, tokens) VALUES (?, ?)",
                     "it", id, tokens);
    return rc < 0 ? -1 : 0;
}

int
search_index(struct db *db, enum search_kind kind, int64_t id,
             const char *text, struct err *e)
{
    const char *fields[1] = {text};

    return search_index_fields(db, kind, id, fields, 1, e);
}

int
search_index_fields(struct db *db, enum search_kind kind, int64_t id,
                    const char *const *fields, int nfields, struct err *e)
{
    struct buf b;
    int rc = -1;

    buf_init(&b, 4 * SEARCH_MAX_TEXT);
    for (int i = 0; i < nfields; i++)
        if (add_tokens(&b, fields[i], e) < 0)
            goto out;
    if (b.failed) {
        err_set(e, ERR_TOO_LARGE, NULL, "text: too long to index");
        goto out;
    }
    rc = index_tokens(db, kind, id, b.data ? b.data : "", e);
out:
    buf_release(&b);
    return rc;
}

int
search_remove(struct db *db, enum search_kind kind, int64_t id, struct err *e)
{
    int64_t rc;

    if (kind == SEARCH_CASES)
        rc = db_exec(db, e, "DELETE FROM search_cases WHERE rowid = ?", "i", id);
    else
        rc = db_exec(db, e, "DELETE FROM search_kb WHERE rowid = ?", "i", id);
    return rc < 0 ? -1 : 0;
}

/* ---- queries ------------------------------------------------------------ */

struct expr {
    struct buf *out;
    struct buf seen; /* " tok tok " of the terms so far (SEARCH_ANY) */
    const char *join; /* " AND " / " OR " */
    int nterms;
    int ntokens;
    int in_phrase; /* tokens go into one quoted phrase */
    int phrase_len;
    int dedupe;
};

static int
expr_token(const struct token *t, void *ctx)
{
    struct expr *x = ctx;

    if (x->ntokens >= QUERY_MAX_TOKENS)
        return 1;
    if (x->dedupe && !x->in_phrase) {
        /* a repeated word would count twice in an OR's bm25 */
        char key[TOKEN_MAX + 3];

        snprintf(key, sizeof(key), " %s ", t->text);
        if (x->seen.data && strstr(x->seen.data, key))
            return 0;
        buf_adds(&x->seen, key + (x->seen.len ? 1 : 0));
    }
    x->ntokens++;
    if (x->in_phrase) {
        /* RULE search-phrase: a quoted phrase is one FTS5 phrase, its
         * tokens must be consecutive. */
        buf_adds(x->out, x->phrase_len ? " " : (x->nterms ? x->join : ""));
        if (!x->phrase_len) {
            buf_addc(x->out, '"');
            x->nterms++;
        }
        x->phrase_len++;
    } else {
        /* tokens hold only [a-z0-9] and Han: nothing to escape */
        buf_adds(x->out, x->nterms ? x->join : "");
        buf_addc(x->out, '"');
        x->nterms++;
    }
    buf_add(x->out, t->text, t->len);
    if (!x->in_phrase)
        buf_addc(x->out, '"');
    return 0;
}

/* Length of a quote mark at s (ASCII " or the full-width “ ” ＂), or 0. */
static size_t
quote_at(const char *s)
{
    if (*s == '"')
        return 1;
    if (strncmp(s, "\xe2\x80\x9c", 3) == 0 || strncmp(s, "\xe2\x80\x9d", 3) == 0 ||
        strncmp(s, "\xef\xbc\x82", 3) == 0)
        return 3;
    return 0;
}

int
search_match_expr(const char *q, enum search_mode mode, struct buf *out,
                  struct err *e)
{
    struct expr x = {out, {0}, mode == SEARCH_ANY ? " OR " : " AND ", 0, 0, 0,
                     0, 1};
    size_t n = strlen(q), i = 0;
    int rc = 0;

    if (n > QUERY_MAX_BYTES)
        return err_set(e, ERR_VALIDATION, "q", "q: longer than %d bytes",
                       QUERY_MAX_BYTES);
    if (!utf8_valid(q, n))
        return err_set(e, ERR_VALIDATION, "q", "q: not valid UTF-8");
    buf_init(&x.seen, 4 * QUERY_MAX_BYTES);
    while (i < n) {
        size_t j = i, ql = 0;

        while (j < n && (ql = quote_at(q + j)) == 0)
            j++;
        /* q[i..j) is one segment; inside quotes when x.in_phrase */
        x.phrase_len = 0;
        tokenize_walk(q + i, j - i, expr_token, &x);
        if (x.in_phrase && x.phrase_len)
            buf_addc(out, '"');
        x.in_phrase = !x.in_phrase && j < n;
        i = j + ql;
    }
    if (x.nterms == 0)
        rc = err_set(e, ERR_VALIDATION, "q", "q: nothing to search for");
    else if (out->failed)
        rc = err_set(e, ERR_VALIDATION, "q", "q: too long");
    buf_release(&x.seen);
    return rc;
}

int
search_query(struct db *db, enum search_kind kind, const char *q,
             enum search_mode mode, struct search_hit *hits, int max, int *n,
             struct err *e)
{
    struct db_stmt *st = NULL;
    struct buf expr;
    int rc;

    *n = 0;
    buf_init(&expr, 4 * QUERY_MAX_BYTES);
    rc = search_match_expr(q, mode, &expr, e);
    if (rc < 0)
        goto out;
    /* RULE search-candidates: an all-terms query (short, often a common
     * word) ranks only its newest SEARCH_CANDIDATES matches; an any-term
     * query (a whole question) ranks every match — fewer rows match all
     * its rare tokens, and the best answer may be old. */
    if (kind == SEARCH_CASES && mode == SEARCH_ALL)
        st = db_query(db, e,
                      "SELECT id, score FROM (SELECT rowid AS id, "
                      "bm25(search_cases) AS score FROM search_cases WHERE "
                      "search_cases MATCH ? ORDER BY rowid DESC LIMIT 500) "
                      "ORDER BY score, id DESC LIMIT ?",
                      "tI", expr.data, max);
    else if (kind == SEARCH_CASES)
        st = db_query(db, e,
                      "SELECT rowid, bm25(search_cases) FROM search_cases "
                      "WHERE search_cases MATCH ? ORDER BY bm25(search_cases), "
                      "rowid DESC LIMIT ?",
                      "tI", expr.data, max);
    else if (mode == SEARCH_ALL)
        st = db_query(db, e,
                      "SELECT id, score FROM (SELECT rowid AS id, "
                      "bm25(search_kb) AS score FROM search_kb WHERE "
                      "search_kb MATCH ? ORDER BY rowid DESC LIMIT 500) "
                      "ORDER BY score, id DESC LIMIT ?",
                      "tI", expr.data, max);
    else
        st = db_query(db, e,
                      "SELECT rowid, bm25(search_kb) FROM search_kb "
                      "WHERE search_kb MATCH ? ORDER BY bm25(search_kb), "
                      "rowid DESC LIMIT ?",
                      "tI", expr.data, max);
    if (!st) {
        rc = -1;
        goto out;
    }
    while ((rc = db_step(st, e)) > 0 && *n < max) {
        hits[*n].id = db_col_int(st, 0);
        hits[*n].score = db_col_double(st, 1);
        (*n)++;
    }
    db_reset(st);
out:
    buf_release(&expr);
    return rc < 0 ? -1 : 0;
}

int
search_count(struct db *db, enum search_kind kind, const char *q,
              int64_t *count, struct err *e)
{
    struct buf expr;
    int rc;

    *count = 0;
    buf_init(&expr, 4 * QUERY_MAX_BYTES);
    rc = search_match_expr(q, SEARCH_ALL, &expr, e);
    if (rc == 0 && kind == SEARCH_CASES)
        rc = db_query_int(db, e, count,
                          "SELECT COUNT(*) FROM search_cases WHERE "
                          "search_cases MATCH ?",
                          "t", expr.data);
    else if (rc == 0)
        rc = db_query_int(db, e, count,
                          "SELECT COUNT(*) FROM search_kb WHERE "
                          "search_kb MATCH ?",
                          "t", expr.data);
    buf_release(&expr);
    return rc < 0 ? -1 : 0;
}

/* ---- snippets ----------------------------------------------------------- */

struct marks {
    const char *qtokens; /* " tok tok ... " */
    size_t start[SNIPPET_MAX_MARKS];
    size_t end[SNIPPET_MAX_MARKS];
    int n;
};

static int
mark_token(const struct token *t, void *ctx)
{
    struct marks *m = ctx;
    char key[TOKEN_MAX + 3];

    snprintf(key, sizeof(key), " %s ", t->text);
    if (!strstr(m->qtokens, key))
        return 0;
    /* merge with the previous range when they overlap or touch */
    if (m->n > 0 && t->start <= m->end[m->n - 1]) {
        if (t->end > m->end[m->n - 1])
            m->end[m->n - 1] = t->end;
        return 0;
    }
    if (m->n == SNIPPET_MAX_MARKS)
        return 1;
    m->start[m->n] = t->start;
    m->end[m->n] = t->end;
    m->n++;
    return 0;
}

static void
add_escaped(struct buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': buf_adds(out, "&amp;"); break;
        case '<': buf_adds(out, "&lt;"); break;
        case '>': buf_adds(out, "&gt;"); break;
        case '"': buf_adds(out, "&quot;"); break;
        case '\'': buf_adds(out, "&#39;"); break;
        default: buf_addc(out, s[i]);
        }
    }
}

static size_t
char_len(const char *s)
{
    unsigned char c = (unsigned char)s[0];

    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

void
search_snippet(const char *text, const char *q, size_t max_chars,
               struct buf *out)
{
    struct marks *m = xcalloc(1, sizeof(*m));
    struct buf qt;
    size_t n = strlen(text), pos, chars = 0;
    int r = 0, open = 0, back = 0;

    buf_init(&qt, 4 * QUERY_MAX_BYTES);
    buf_addc(&qt, ' ');
    if (strlen(q) <= QUERY_MAX_BYTES && tokenize_join(q, strlen(q), &qt) >= 0 &&
        !qt.failed) {
        buf_addc(&qt, ' ');
        m->qtokens = qt.data;
        if (n > SEARCH_MAX_TEXT)
            n = utf8_prefix(text, SEARCH_MAX_TEXT, (size_t)-1);
        if (tokenize_walk(text, n, mark_token, m) < 0)
            goto out; /* not valid UTF-8: show nothing */
    } else if (!utf8_valid(text, n)) {
        goto out;
    }
    /* start a few characters before the first match */
    pos = m->n ? m->start[0] : 0;
    while (pos > 0 && back < SNIPPET_LEAD && (size_t)back < max_chars / 3) {
        pos--;
        while (pos > 0 && ((unsigned char)text[pos] & 0xC0) == 0x80)
            pos--;
        back++;
    }
    if (pos > 0)
        buf_adds(out, "…");
    while (pos < n && chars < max_chars) {
        size_t cl = char_len(text + pos);

        while (r < m->n && m->end[r] <= pos) {
            if (open)
                buf_adds(out, "</mark>");
            open = 0;
            r++;
        }
        if (r < m->n && !open && pos >= m->start[r]) {
            buf_adds(out, "<mark>");
            open = 1;
        }
        add_escaped(out, text + pos, cl);
        pos += cl;
        chars++;
    }
    if (open)
        buf_adds(out, "</mark>");
    if (pos < n)
        buf_adds(out, "…");
out:
    buf_release(&qt);
    free(m);
}

/* ---- backfill ----------------------------------------------------------- */

#define BACKFILL_MAX_BATCH 5000

int64_t
search_backfill_cases(struct db *db, int batch, struct err *e)
{
    struct db_stmt *st;
    int64_t ncases = 0, nindexed = 0, after = 0, done = 0;
    int64_t *ids = NULL;
    char **titles = NULL, **contents = NULL;
    int k = 0, rc;

    if (batch < 1 || batch > BACKFILL_MAX_BATCH)
        batch = 1000;
    if (db_query_int(db, e, &ncases, "SELECT COUNT(*) FROM cases", "") < 0 ||
        db_query_int(db, e, &nindexed, "SELECT COUNT(*) FROM search_cases",
                     "") < 0)
        return -1;
    if (nindexed >= ncases)
        return 0;
    log_info("msg=search_backfill_start cases=%lld indexed=%lld",
             (long long)ncases, (long long)nindexed);
    ids = xcalloc((size_t)batch, sizeof(*ids));
    titles = xcalloc((size_t)batch, sizeof(*titles));
    contents = xcalloc((size_t)batch, sizeof(*contents));
    for (;;) {
        st = db_query(db, e,
                      "SELECT c.id, c.title, c.content FROM cases c "
                      "WHERE c.id > ? AND NOT EXISTS (SELECT 1 FROM "
                      "search_cases s WHERE s.rowid = c.id) ORDER BY c.id "
                      "LIMIT ?",
                      "iI", after, batch);
        if (!st)
            goto fail;
        k = 0;
        while ((rc = db_step(st, e)) > 0 && k < batch) {
            const char *t = db_col_text(st, 1), *c = db_col_text(st, 2);

            ids[k] = db_col_int(st, 0);
            titles[k] = xstrdup(t ? t : "");
            contents[k] = xstrdup(c ? c : "");
            k++;
        }
        db_reset(st);
        if (rc < 0)
            goto fail;
        if (k == 0)
            break;
        if (db_begin(db, e) < 0)
            goto fail;
        for (int i = 0; i < k; i++) {
            const char *f[2] = {titles[i], contents[i]};

            if (search_index_fields(db, SEARCH_CASES, ids[i], f, 2, e) < 0) {
                db_rollback(db);
                goto fail;
            }
        }
        if (db_commit(db, e) < 0)
            goto fail;
        after = ids[k - 1];
        done += k;
        for (int i = 0; i < k; i++) {
            free(titles[i]);
            free(contents[i]);
        }
        k = 0;
        log_info("msg=search_backfill_progress indexed=%lld of=%lld",
                 (long long)done, (long long)(ncases - nindexed));
    }
    free(ids);
    free(titles);
    free(contents);
    log_info("msg=search_backfill_done indexed=%lld", (long long)done);
    return done;
fail:
    for (int i = 0; i < k; i++) {
        free(titles[i]);
        free(contents[i]);
    }
    free(ids);
    free(titles);
    free(contents);
    return -1;
}
