/* search.h — full-text search over cases and knowledge-base articles.
 *
 * Text is cut by text/tokenize.h (Han bigrams, ASCII words, full-width
 * folded) and the space-joined tokens are what the engine indexes: an FTS5
 * table per kind on SQLite (migration 006), a tsvector ('simple') + GIN
 * index on PostgreSQL later. Both see the same tokens, so both return the
 * same hits; see docs/search.md.
 *
 * Indexing an article (knowledge base):
 *     // inside the write job that inserts/updates the article, so the index
 *     // row commits (or rolls back) with it — never in a transaction of its own
 *     snprintf or buf the text: title, questions, answer (plain text), tags
 *     rc = search_index(db, SEARCH_KB, article_id, text, e);
 *     // when the article is deleted:
 *     rc = search_remove(db, SEARCH_KB, article_id, e);
 *
 * Querying:
 *     struct search_hit hits[50];
 *     int n;
 *     rc = search_query(db, SEARCH_KB, q, SEARCH_ANY, hits, 50, &n, e);
 *     // hits[0..n) best first: ids of matching rows; filter them yourself
 *     // (published, not expired, visible) with a `WHERE id IN (...)` or
 *     // one lookup each, keeping the order.
 *     search_snippet(answer_text, q, 80, &buf);   // HTML-escaped, <mark>ed
 *
 * Query syntax (what users type): words separated by spaces; a Han run
 * becomes its bigrams, an ASCII word itself. SEARCH_ALL: every token must
 * occur (the cases list filter). SEARCH_ANY: any token may occur, more and
 * rarer matches rank higher (agent-desk suggestions, long questions).
 * Text in double quotes "..." is a phrase in both modes: its tokens must
 * occur consecutively.
 */
#ifndef HOTLINE_SEARCH_H
#define HOTLINE_SEARCH_H

#include <stdint.h>
#include "db/db.h"
#include "util/buf.h"
#include "util/err.h"

enum search_kind {
    SEARCH_CASES = 1, /* cases: title + content, rowid = cases.id */
    SEARCH_KB = 2,    /* knowledge-base articles, rowid = article id */
};

enum search_mode {
    SEARCH_ALL = 0, /* every term must match (AND) */
    SEARCH_ANY = 1, /* any term may match (OR), ranked */
};

/* Most hits a SEARCH_ALL query ranks: bm25 is computed for the newest
 * SEARCH_CANDIDATES matches only (DESIGN §8: ranking every hit of a common
 * term costs 0.5-0.8 s over 1 M rows); ties go to the newer row. */
#define SEARCH_CANDIDATES 500

/* Longest indexed text in bytes; longer text is indexed up to there. */
#define SEARCH_MAX_TEXT (64 * 1024)

struct search_hit {
    int64_t id;
    double score; /* bm25: lower is better (FTS5 convention) */
};

/* Indexes (replaces) row `id` of `kind` with `text` (UTF-8; invalid UTF-8
 * is ERR_VALIDATION). Call inside the caller's write transaction / db_write
 * job. */
int search_index(struct db *db, enum search_kind kind, int64_t id,
                 const char *text, struct err *e);
/* The same for a row whose text is several fields (title, content, ...):
 * each is tokenized on its own, so no bigram spans two fields. */
int search_index_fields(struct db *db, enum search_kind kind, int64_t id,
                        const char *const *fields, int nfields,
                        struct err *e);
int search_remove(struct db *db, enum search_kind kind, int64_t id,
                  struct err *e);

/* Runs q. Fills hits[0..*n) (at most max), best first, ties newest
 * first. SEARCH_ALL ranks (bm25) the newest SEARCH_CANDIDATES matches only;
 * SEARCH_ANY ranks every match (a question's rarer tokens match few rows,
 * and the best answer may be old). A q with no
 * searchable token (only punctuation, emoji) is ERR_VALIDATION field "q";
 * invalid UTF-8 too. No match: 0 with *n = 0. */
int search_query(struct db *db, enum search_kind kind, const char *q,
                 enum search_mode mode, struct search_hit *hits, int max,
                 int *n, struct err *e);

/* Number of rows q matches (SEARCH_ALL), from the index alone. */
int search_count(struct db *db, enum search_kind kind, const char *q,
                 int64_t *count, struct err *e);

/* The engine's match expression for q, for callers that put the search
 * into their own SQL (the cases list): on SQLite an FTS5 MATCH string.
 * Returns 0 and fills out, or ERR_VALIDATION as search_query. */
int search_match_expr(const char *q, enum search_mode mode, struct buf *out,
                      struct err *e);

/* Appends an HTML-escaped excerpt of text (at most max_chars characters)
 * around the first match of q, every matched token wrapped in
 * <mark>...</mark>. Text with no match gives its start. */
void search_snippet(const char *text, const char *q, size_t max_chars,
                    struct buf *out);

/* Indexes every case missing from the index, in batches of `batch`,
 * logging progress; returns the number indexed or < 0. Run at serve start
 * (and by `hotline reindex`). */
int64_t search_backfill_cases(struct db *db, int batch, struct err *e);

#endif
