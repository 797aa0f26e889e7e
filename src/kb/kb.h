/* kb.h — the knowledge base (政务知识库): articles, review, history, use.
 *
 * Pure part (kb/text.c, unit-tested): the answer sanitiser and CSV.
 * Store (kb/store.c): all SQL of kb_articles / kb_versions.
 * HTTP (kb/kb_http.c): the /api/v1/kb and /api/v1/public/kb handlers.
 * docs/kb.md describes the workflow, who may do what and the CSV format.
 */
#ifndef HOTLINE_KB_H
#define HOTLINE_KB_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/http.h"
#include "util/buf.h"
#include "util/err.h"

#define KB_TITLE_MAX 200       /* code points */
#define KB_QUESTION_MAX 200
#define KB_QUESTIONS_MAX 20    /* phrasings per article */
#define KB_ANSWER_MAX 20000
#define KB_CATEGORY_MAX 64
#define KB_TAG_MAX 32
#define KB_TAGS_MAX 20
#define KB_LEGAL_MAX 1000
#define KB_NOTE_MAX 500
#define KB_QUERY_MAX 50
#define KB_IMPORT_MAX_ROWS 2000
#define KB_DEPTH_MAX 32        /* nesting of allowed tags in an answer */

/* RULE kb-sanitize: answers are HTML reduced to a whitelist — p, br, ul,
 * ol, li, strong, em, a (href http/https only, nothing else), table, tr,
 * td, th. Every other tag is dropped (its text kept), script/style/iframe/
 * object/embed/template/textarea/title/noscript are dropped with their
 * content, comments are dropped, stray '<' '>' and bare '&' are escaped,
 * open tags are closed at the end. Output goes to `out` (sticky limit). */
void kb_sanitize(const char *html, size_t n, struct buf *out);
/* The text of sanitised HTML: tags removed, entities &lt; &gt; &amp;
 * &quot; &#39; &nbsp; decoded, whitespace runs folded to one space. */
void kb_html_text(const char *html, size_t n, struct buf *out);

/* CSV (RFC 4180): a field is quoted when it holds , " CR or LF, or starts
 * or ends with a space; quotes are doubled. Rows end with CRLF. */
void kb_csv_field(struct buf *out, const char *s, int last);
/* Parses CSV text (an optional UTF-8 BOM is skipped). Calls row() for each
 * record with its fields (NUL-terminated, valid until the call returns);
 * row() returns < 0 to stop. -1 with e filled (field "csv", the line) on a
 * malformed file: a quote inside an unquoted field, an unterminated quote,
 * more than max_fields fields. Empty lines are skipped. */
int kb_csv_parse(const char *s, size_t n, size_t max_fields,
                 int (*row)(void *ctx, char **fields, size_t nfields,
                            long line, struct err *e),
                 void *ctx, struct err *e);

/* ---- store ----------------------------------------------------------- */

/* An article's editable content, validated (kb_fields_from_json). */
struct kb_fields {
    const char *title;
    json_t *questions;         /* array of strings (borrowed) */
    const char *answer;        /* sanitised HTML */
    const char *category;      /* NULL = none */
    json_t *tags;              /* array of strings (borrowed) */
    const char *legal_basis;   /* NULL = none */
    int public_;
    int64_t effective_at, expires_at, review_by; /* 0 = none */
};

/* Validates an article object (title, questions, answer, category, tags,
 * legal_basis, public, effective_at, expires_at, review_by) into f; the
 * answer is sanitised into arena memory. Unknown keys are refused by the
 * caller (jv_only). */
int kb_fields_from_json(json_t *obj, struct arena *a, struct kb_fields *f,
                        struct err *e);

/* Article as JSON (the API shape); NULL and e filled when not found. */
json_t *kb_article_json(struct db *db, int64_t id, int64_t now, struct err *e);
/* The owning unit's id and path, and the stored status. 1 found, 0 not. */
int kb_article_owner(struct db *db, int64_t id, int64_t *unit_id,
                     char *unit_path, size_t path_size, char *status,
                     size_t status_size, int64_t *version, struct err *e);

int kb_article_insert(struct db *db, int64_t unit_id, const struct kb_fields *f,
                      int64_t user_id, int64_t now, int64_t *id, struct err *e);
/* Replaces the content; a published or expired article goes back to draft
 * (it is offered again once approved). */
int kb_article_update(struct db *db, int64_t id, const struct kb_fields *f,
                      int64_t user_id, int64_t now, struct err *e);
/* Only articles never published. */
int kb_article_delete(struct db *db, int64_t id, struct err *e);

enum kb_action { KB_SUBMIT, KB_APPROVE, KB_REJECT, KB_EXPIRE, KB_ACTION__COUNT };
extern const char *const kb_action_names[KB_ACTION__COUNT];
/* The workflow step; ERR_INVALID_TRANSITION from the wrong status. Approve
 * publishes the next version and records it in kb_versions. */
int kb_article_act(struct db *db, int64_t id, enum kb_action act,
                   const char *note, int64_t user_id, int64_t now,
                   struct err *e);

/* RULE kb-cite: answering a consultation from an article needs it
 * published, in effect and not expired; the use is counted in the
 * caller's transaction. ERR_VALIDATION on field kb_article_id otherwise. */
int kb_article_cite(struct db *db, int64_t id, int64_t now, struct err *e);

/* Lists: articles by filter (newest first), search, history, figures. */
struct kb_filter {
    const char *unit_path;      /* scope: NULL = every unit */
    const char *unit_path_like; /* unit_path + "%" */
    int64_t unit_id;            /* 0 = any */
    const char *status;         /* effective status, NULL = any */
    int overdue;                /* only published with review_by passed */
    int64_t limit, offset;
};
int kb_list(struct db *db, const struct kb_filter *f, int64_t now,
            json_t *items, struct err *e);
/* Articles on offer matching q through the search index (text/search.h:
 * Han bigrams, so a 2-character Chinese word matches; best first).
 * match_all: every word must occur, else any (ranked). An empty q lists
 * what is on offer, most used first. */
#define KB_SEARCH_HITS 500
int kb_search(struct db *db, struct arena *a, const char *q, int match_all,
              int public_only, int64_t now, int64_t limit, json_t *items,
              struct err *e);
int kb_history(struct db *db, int64_t id, json_t *items, struct err *e);
int kb_stats(struct db *db, const char *unit_path_like, int64_t now,
             int64_t soon, json_t *items, struct err *e);
int kb_unit_by_code(struct db *db, const char *code, int64_t *id, char *path,
                    size_t path_size, struct err *e);

/* ---- handlers (kb/kb_http.c) ------------------------------------------ */
int h_kb_list(struct req *r, struct resp *out, struct err *e);
int h_kb_get(struct req *r, struct resp *out, struct err *e);
int h_kb_create(struct req *r, struct resp *out, struct err *e);
int h_kb_update(struct req *r, struct resp *out, struct err *e);
int h_kb_delete(struct req *r, struct resp *out, struct err *e);
int h_kb_act(struct req *r, struct resp *out, struct err *e);
int h_kb_history(struct req *r, struct resp *out, struct err *e);
int h_kb_search(struct req *r, struct resp *out, struct err *e);
int h_kb_stats(struct req *r, struct resp *out, struct err *e);
int h_kb_export(struct req *r, struct resp *out, struct err *e);
int h_kb_import(struct req *r, struct resp *out, struct err *e);
int h_public_kb(struct req *r, struct resp *out, struct err *e);

/* Demo articles (seed/seed_kb.c): ≥ 100 across the demo units. */
int seed_kb(struct db *db, int64_t now, struct err *e);

#endif
