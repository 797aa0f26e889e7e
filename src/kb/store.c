/* store.c — every SQL statement of the knowledge base (kb_articles,
 * kb_versions). Handlers call these inside db_write jobs. */
#include "common.h"

#include "kb/kb.h"
#include "text/search.h"
#include "util/jsonv.h"
#include "util/timeutil.h"
#include "util/utf8.h"

const char *const kb_action_names[KB_ACTION__COUNT] = {"submit", "approve",
                                                       "reject", "expire"};

/* An array of 0..max strings of 1..max_chars each. */
static int
str_array(json_t *obj, const char *field, size_t max, size_t max_chars,
          json_t **out, struct err *e)
{
    json_t *v = json_object_get(obj, field), *it;
    size_t i;

    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v) || json_array_size(v) > max)
        return err_set(e, ERR_VALIDATION, field,
                       "%s: must be an array of at most %zu strings", field, max);
    json_array_foreach(v, i, it) {
        const char *s = json_string_value(it);
        size_t n = json_string_length(it);

        if (!s || n == 0 || utf8_chars(s, n) > max_chars ||
            strspn(s, " \t\r\n") == n)
            return err_set(e, ERR_VALIDATION, field,
                           "%s: item %zu must be a non-empty string of at most "
                           "%zu characters", field, i, max_chars);
    }
    *out = v;
    return 0;
}

int
kb_fields_from_json(json_t *obj, struct arena *a, struct kb_fields *f,
                    struct err *e)
{
    const char *answer;
    struct buf b, t;
    int rc;

    memset(f, 0, sizeof(*f));
    if (jv_str(obj, "title", JV_REQUIRED, KB_TITLE_MAX, &f->title, e) < 0 ||
        str_array(obj, "questions", KB_QUESTIONS_MAX, KB_QUESTION_MAX,
                  &f->questions, e) < 0 ||
        jv_str(obj, "answer", JV_REQUIRED, KB_ANSWER_MAX, &answer, e) < 0 ||
        jv_str(obj, "category", JV_OPTIONAL, KB_CATEGORY_MAX, &f->category, e) < 0 ||
        str_array(obj, "tags", KB_TAGS_MAX, KB_TAG_MAX, &f->tags, e) < 0 ||
        jv_str(obj, "legal_basis", JV_OPTIONAL, KB_LEGAL_MAX, &f->legal_basis,
               e) < 0 ||
        jv_bool(obj, "public", JV_OPTIONAL, &f->public_, e) < 0 ||
        jv_time(obj, "effective_at", JV_OPTIONAL, &f->effective_at, e) < 0 ||
        jv_time(obj, "expires_at", JV_OPTIONAL, &f->expires_at, e) < 0 ||
        jv_time(obj, "review_by", JV_OPTIONAL, &f->review_by, e) < 0)
        return -1;
    if (f->effective_at && f->expires_at && f->expires_at <= f->effective_at)
        return err_set(e, ERR_VALIDATION, "expires_at",
                       "expires_at: must be after effective_at");
    if (f->category && !*f->category)
        f->category = NULL;
    if (f->legal_basis && !*f->legal_basis)
        f->legal_basis = NULL;
    /* RULE kb-sanitize: stored answers are always sanitised. */
    buf_init(&b, (size_t)KB_ANSWER_MAX * 8);
    buf_init(&t, (size_t)KB_ANSWER_MAX * 4);
    kb_sanitize(answer, strlen(answer), &b);
    kb_html_text(b.data, b.len, &t);
    rc = 0;
    if (b.failed)
        rc = err_set(e, ERR_VALIDATION, "answer", "answer: too long");
    else if (t.len == 0)
        rc = err_set(e, ERR_VALIDATION, "answer",
                     "answer: no text left after sanitising");
    else
        f->answer = arena_strdup(a, b.data);
    buf_release(&b);
    buf_release(&t);
    return rc;
}

static char *
dump_or(json_t *v, const char *def)
{
    return v ? json_dumps(v, JSON_COMPACT) : xstrdup(def);
}

#define KB_COLS                                                                \
    "a.id, a.unit_id, u.code, u.name, a.status, a.title, a.questions, "        \
    "a.answer, a.category, a.tags, a.legal_basis, a.public, "                  \
    "COALESCE(a.effective_at, 0), COALESCE(a.expires_at, 0), "                \
    "COALESCE(a.review_by, 0), a.version, a.review_note, a.uses, "             \
    "COALESCE(a.last_used_at, 0), a.created_at, a.updated_at, "                \
    "COALESCE(a.published_at, 0), COALESCE(a.submitted_at, 0), "              \
    "COALESCE(cu.name, ''), COALESCE(uu.name, '') "
#define KB_FROM                                                                \
    "FROM kb_articles a JOIN units u ON u.id = a.unit_id "                     \
    "LEFT JOIN users cu ON cu.id = a.created_by "                              \
    "LEFT JOIN users uu ON uu.id = a.updated_by "

static json_t *
parse_array(const char *s)
{
    json_t *v = s ? json_loads(s, 0, NULL) : NULL;

    if (!json_is_array(v)) {
        json_decref(v);
        v = json_array();
    }
    return v;
}

/* RULE kb-expiry: past expires_at a published article counts as expired
 * (and is not offered) whether or not anyone marked it. */
static const char *
effective_status(const char *status, int64_t expires_at, int64_t now)
{
    if (strcmp(status, "published") == 0 && expires_at && expires_at <= now)
        return "expired";
    return status;
}

static json_t *
kb_row_json(struct db_stmt *st, int64_t now)
{
    int64_t review_by = db_col_int(st, 14);
    const char *status = effective_status(db_col_text(st, 4),
                                          db_col_int(st, 13), now);
    json_t *j = json_object();

    json_object_set_new(j, "id", json_integer(db_col_int(st, 0)));
    json_object_set_new(j, "unit",
                        json_pack("{s:I, s:s, s:s}", "id",
                                  (json_int_t)db_col_int(st, 1), "code",
                                  db_col_text(st, 2), "name", db_col_text(st, 3)));
    json_object_set_new(j, "status", json_string(status));
    json_object_set_new(j, "title", json_string(db_col_text(st, 5)));
    json_object_set_new(j, "questions", parse_array(db_col_text(st, 6)));
    json_object_set_new(j, "answer", json_string(db_col_text(st, 7)));
    json_object_set_new(j, "category", db_col_text(st, 8)
                                           ? json_string(db_col_text(st, 8))
                                           : json_null());
    json_object_set_new(j, "tags", parse_array(db_col_text(st, 9)));
    json_object_set_new(j, "legal_basis", db_col_text(st, 10)
                                              ? json_string(db_col_text(st, 10))
                                              : json_null());
    json_object_set_new(j, "public", json_boolean(db_col_int(st, 11)));
    json_object_set_new(j, "effective_at", jv_time_json(db_col_int(st, 12)));
    json_object_set_new(j, "expires_at", jv_time_json(db_col_int(st, 13)));
    json_object_set_new(j, "review_by", jv_time_json(review_by));
    json_object_set_new(j, "review_overdue",
                        json_boolean(review_by && review_by < now &&
                                     strcmp(status, "published") == 0));
    json_object_set_new(j, "version", json_integer(db_col_int(st, 15)));
    json_object_set_new(j, "review_note", db_col_text(st, 16)
                                              ? json_string(db_col_text(st, 16))
                                              : json_null());
    json_object_set_new(j, "uses", json_integer(db_col_int(st, 17)));
    json_object_set_new(j, "last_used_at", jv_time_json(db_col_int(st, 18)));
    json_object_set_new(j, "created_at", jv_time_json(db_col_int(st, 19)));
    json_object_set_new(j, "updated_at", jv_time_json(db_col_int(st, 20)));
    json_object_set_new(j, "published_at", jv_time_json(db_col_int(st, 21)));
    json_object_set_new(j, "submitted_at", jv_time_json(db_col_int(st, 22)));
    json_object_set_new(j, "created_by", json_string(db_col_text(st, 23)));
    json_object_set_new(j, "updated_by", json_string(db_col_text(st, 24)));
    return j;
}

json_t *
kb_article_json(struct db *db, int64_t id, int64_t now, struct err *e)
{
    struct db_stmt *st;
    json_t *j = NULL;
    int rc;

    st = db_query(db, e, "SELECT " KB_COLS KB_FROM "WHERE a.id = ?", "i", id);
    if (!st)
        return NULL;
    rc = db_step(st, e);
    if (rc == 1)
        j = kb_row_json(st, now);
    db_reset(st);
    if (rc == 0)
        err_set(e, ERR_NOT_FOUND, NULL, "article %lld: not found",
                (long long)id);
    return j;
}

int
kb_article_owner(struct db *db, int64_t id, int64_t *unit_id, char *unit_path,
                 size_t path_size, char *status, size_t status_size,
                 int64_t *version, struct err *e)
{
    struct db_stmt *st;
    int rc;

    st = db_query(db, e,
                  "SELECT a.unit_id, u.path, a.status, a.version FROM "
                  "kb_articles a JOIN units u ON u.id = a.unit_id WHERE a.id = ?",
                  "i", id);
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        *unit_id = db_col_int(st, 0);
        snprintf(unit_path, path_size, "%s", db_col_text(st, 1));
        snprintf(status, status_size, "%s", db_col_text(st, 2));
        *version = db_col_int(st, 3);
    }
    db_reset(st);
    return rc;
}

int
kb_article_insert(struct db *db, int64_t unit_id, const struct kb_fields *f,
                  int64_t user_id, int64_t now, int64_t *id, struct err *e)
{
    char *q = dump_or(f->questions, "[]"), *t = dump_or(f->tags, "[]");
    int rc;

    rc = db_query_int(db, e, id,
                      "INSERT INTO kb_articles (unit_id, status, title, "
                      "questions, answer, category, tags, legal_basis, public, "
                      "effective_at, expires_at, review_by, created_by, "
                      "updated_by, created_at, updated_at) VALUES (?, 'draft', "
                      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                      "ittttttbzzziiii", unit_id, f->title, q, f->answer,
                      f->category, t, f->legal_basis, f->public_,
                      f->effective_at, f->expires_at, f->review_by, user_id,
                      user_id, now, now);
    free(q);
    free(t);
    return rc == 1 ? 0 : (rc < 0 ? rc : err_set(e, ERR_INTERNAL, NULL, "kb: insert returned no id"));
}

int
kb_article_update(struct db *db, int64_t id, const struct kb_fields *f,
                  int64_t user_id, int64_t now, struct err *e)
{
    char *q = dump_or(f->questions, "[]"), *t = dump_or(f->tags, "[]");
    int rc;

    /* An edit of published text is new text: it is reviewed again before
     * it is offered (the published version stays in kb_versions). */
    rc = db_exec(db, e,
                 "UPDATE kb_articles SET title = ?, questions = ?, answer = ?, "
                 "category = ?, tags = ?, legal_basis = ?, public = ?, "
                 "effective_at = ?, expires_at = ?, review_by = ?, "
                 "updated_by = ?, updated_at = ?, status = 'draft' WHERE id = ?",
                 "ttttttbzzziii", f->title, q, f->answer, f->category, t,
                 f->legal_basis, f->public_, f->effective_at, f->expires_at,
                 f->review_by, user_id, now, id);
    free(q);
    free(t);
    return rc < 0 ? rc : 0;
}

int
kb_article_delete(struct db *db, int64_t id, struct err *e)
{
    int rc = db_exec(db, e,
                     "DELETE FROM kb_articles WHERE id = ? AND version = 0 AND "
                     "status IN ('draft', 'pending')",
                     "i", id);

    if (rc == 0)
        return err_set(e, ERR_INVALID_TRANSITION, NULL,
                       "article %lld: only an article never published can be "
                       "deleted; expire it instead", (long long)id);
    return rc < 0 ? rc : search_remove(db, SEARCH_KB, id, e);
}

/* The published content as kept in kb_versions. */
static int
version_content(struct db *db, int64_t id, int64_t now, char **out,
                int64_t *author, struct err *e)
{
    static const char *const keep[] = {"title",      "questions",   "answer",
                                       "category",   "tags",        "legal_basis",
                                       "public",     "effective_at", "expires_at",
                                       "review_by"};
    json_t *j = kb_article_json(db, id, now, e), *c;

    if (!j)
        return -1;
    c = json_object();
    for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
        json_object_set(c, keep[i], json_object_get(j, keep[i]));
    *out = json_dumps(c, JSON_COMPACT);
    json_decref(c);
    json_decref(j);
    if (db_query_int(db, e, author,
                     "SELECT COALESCE(updated_by, 0) FROM kb_articles WHERE id = ?",
                     "i", id) < 0) {
        free(*out);
        return -1;
    }
    return 0;
}

/* RULE kb-index: the published text (title, questions, answer as text,
 * tags, category) goes into the search index in the transaction that
 * publishes it (text/search.h). */
static int
kb_index(struct db *db, int64_t id, struct err *e)
{
    struct db_stmt *st;
    struct buf f[5];
    const char *fields[5];
    int rc, i;

    for (i = 0; i < 5; i++)
        buf_init(&f[i], SEARCH_MAX_TEXT);
    st = db_query(db, e,
                  "SELECT title, questions, answer, tags, COALESCE(category, '') "
                  "FROM kb_articles WHERE id = ?",
                  "i", id);
    if (!st)
        goto out_err;
    rc = db_step(st, e);
    if (rc == 1) {
        for (i = 0; i < 5; i++) {
            const char *v = db_col_text(st, i);

            if (i == 2) {
                kb_html_text(v, strlen(v), &f[i]);
            } else if (i == 1 || i == 3) {
                json_t *arr = json_loads(v, 0, NULL), *it;
                size_t k;

                json_array_foreach(arr, k, it) {
                    buf_adds(&f[i], json_string_value(it));
                    buf_addc(&f[i], '\n');
                }
                json_decref(arr);
            } else {
                buf_adds(&f[i], v);
            }
        }
    }
    db_reset(st);
    if (rc < 0)
        goto out_err;
    for (i = 0; i < 5; i++)
        fields[i] = f[i].data;
    rc = search_index_fields(db, SEARCH_KB, id, fields, 5, e);
    for (i = 0; i < 5; i++)
        buf_release(&f[i]);
    return rc;
out_err:
    for (i = 0; i < 5; i++)
        buf_release(&f[i]);
    return -1;
}

int
kb_article_act(struct db *db, int64_t id, enum kb_action act, const char *note,
               int64_t user_id, int64_t now, struct err *e)
{
    static const char *const from[KB_ACTION__COUNT] = {"draft", "pending",
                                                       "pending", "published"};
    char *content = NULL;
    int64_t author = 0, version = 0;
    int rc;

    switch (act) {
    case KB_SUBMIT:
        rc = db_exec(db, e,
                     "UPDATE kb_articles SET status = 'pending', "
                     "submitted_at = ?, review_note = NULL WHERE id = ? AND "
                     "status = 'draft'",
                     "ii", now, id);
        break;
    case KB_APPROVE:
        rc = db_exec(db, e,
                     "UPDATE kb_articles SET status = 'published', version = "
                     "version + 1, published_at = ?, review_note = NULL WHERE "
                     "id = ? AND status = 'pending'",
                     "ii", now, id);
        if (rc == 1) {
            if (version_content(db, id, now, &content, &author, e) < 0 ||
                db_query_int(db, e, &version,
                             "SELECT version FROM kb_articles WHERE id = ?", "i",
                             id) < 0)
                rc = -1;
            else if (db_exec(db, e,
                             "INSERT INTO kb_versions (article_id, version, "
                             "content, author_id, approved_by, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             "iitzii", id, version, content, author, user_id,
                             now) < 0 ||
                     kb_index(db, id, e) < 0)
                rc = -1;
            free(content);
        }
        break;
    case KB_REJECT:
        rc = db_exec(db, e,
                     "UPDATE kb_articles SET status = 'draft', review_note = ? "
                     "WHERE id = ? AND status = 'pending'",
                     "ti", note, id);
        break;
    case KB_EXPIRE:
        rc = db_exec(db, e,
                     "UPDATE kb_articles SET status = 'expired', expires_at = "
                     "CASE WHEN expires_at IS NULL OR expires_at > ? THEN ? "
                     "ELSE expires_at END WHERE id = ? AND status = 'published'",
                     "iii", now, now, id);
        break;
    default:
        return err_set(e, ERR_INTERNAL, NULL, "kb: bad action");
    }
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_INVALID_TRANSITION, NULL,
                       "article %lld: %s needs status %s", (long long)id,
                       kb_action_names[act], from[act]);
    return 0;
}

int
kb_article_cite(struct db *db, int64_t id, int64_t now, struct err *e)
{
    int64_t n = 0;
    int rc;

    /* RULE kb-cite: counted only for an article on offer. */
    rc = db_exec(db, e,
                 "UPDATE kb_articles SET uses = uses + 1, last_used_at = ? "
                 "WHERE id = ? AND status = 'published' AND (expires_at IS NULL "
                 "OR expires_at > ?) AND (effective_at IS NULL OR "
                 "effective_at <= ?)",
                 "iiii", now, id, now, now);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    if (db_query_int(db, e, &n, "SELECT count(*) FROM kb_articles WHERE id = ?",
                     "i", id) < 0)
        return -1;
    return err_set(e, ERR_VALIDATION, "kb_article_id",
                   n ? "kb_article_id: article %lld is not published or has "
                       "expired"
                     : "kb_article_id: article %lld does not exist",
                   (long long)id);
}

/* Escapes % _ \\ for LIKE ... ESCAPE '\\' and wraps in %...%. */
static char *
like_arg(struct arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, 2 * n + 3), *p = out;

    *p++ = '%';
    for (size_t i = 0; i < n; i++) {
        char c = (char)tolower((unsigned char)s[i]);

        if (c == '%' || c == '_' || c == '\\')
            *p++ = '\\';
        *p++ = c;
    }
    *p++ = '%';
    *p = '\0';
    return out;
}

int
kb_list(struct db *db, const struct kb_filter *f, int64_t now, json_t *items,
        struct err *e)
{
    struct db_stmt *st;
    int rc;

    st = db_query(db, e,
                  "SELECT " KB_COLS KB_FROM
                  "WHERE (? = '' OR u.path LIKE ?) AND (? = 0 OR a.unit_id = ?) "
                  "AND (? = '' OR (CASE WHEN a.status = 'published' AND "
                  "a.expires_at IS NOT NULL AND a.expires_at <= ? THEN "
                  "'expired' ELSE a.status END) = ?) AND (? = 0 OR "
                  "(a.status = 'published' AND a.review_by IS NOT NULL AND "
                  "a.review_by < ?)) ORDER BY a.id DESC LIMIT ? OFFSET ?",
                  "ttiititiiii", f->unit_path ? f->unit_path : "",
                  f->unit_path ? f->unit_path_like : "", f->unit_id, f->unit_id,
                  f->status ? f->status : "", now, f->status ? f->status : "",
                  (int64_t)f->overdue, now, f->limit, f->offset);
    if (!st)
        return -1;
    while ((rc = db_step(st, e)) > 0)
        json_array_append_new(items, kb_row_json(st, now));
    db_reset(st);
    return rc;
}

/* Search through the index (text/search.h): hits best first, each kept
 * when it is on offer. */
static int
kb_search_fts(struct db *db, const char *q, int match_all, int public_only,
              int64_t now, int64_t limit, json_t *items, struct err *e)
{
    struct search_hit *hits = xcalloc(KB_SEARCH_HITS, sizeof(*hits));
    struct db_stmt *st;
    int n = 0, rc = 0;

    if (search_query(db, SEARCH_KB, q, match_all ? SEARCH_ALL : SEARCH_ANY,
                     hits, KB_SEARCH_HITS, &n, e) < 0) {
        free(hits);
        if (e->code == ERR_VALIDATION) { /* nothing searchable: no hit */
            err_clear(e);
            return 0;
        }
        return -1;
    }
    for (int i = 0; i < n && (int64_t)json_array_size(items) < limit; i++) {
        /* RULE kb-offered */
        st = db_query(db, e,
                      "SELECT " KB_COLS KB_FROM
                      "WHERE a.id = ? AND a.status = 'published' AND "
                      "(a.expires_at IS NULL OR a.expires_at > ?) AND "
                      "(a.effective_at IS NULL OR a.effective_at <= ?) AND "
                      "(? = 0 OR a.public = 1)",
                      "iiii", hits[i].id, now, now, (int64_t)public_only);
        if (!st) {
            rc = -1;
            break;
        }
        rc = db_step(st, e);
        if (rc == 1)
            json_array_append_new(items, kb_row_json(st, now));
        db_reset(st);
        if (rc < 0)
            break;
        rc = 0;
    }
    free(hits);
    return rc;
}

int
kb_search(struct db *db, struct arena *a, const char *q, int match_all,
          int public_only, int64_t now, int64_t limit, json_t *items,
          struct err *e)
{
    const char *terms[3] = {"%", "%", "%"};
    struct db_stmt *st;
    size_t nt = 0, i = 0, n = strlen(q);
    int rc;

    while (i < n && nt < ARRAY_SIZE(terms)) {
        size_t s;

        while (i < n && (q[i] == ' ' || q[i] == '\t'))
            i++;
        s = i;
        while (i < n && q[i] != ' ' && q[i] != '\t')
            i++;
        if (i > s)
            terms[nt++] = like_arg(a, q + s, i - s);
    }
    if (nt > 0)
        return kb_search_fts(db, q, match_all, public_only, now, limit, items,
                             e);
    /* no words: what is on offer, most used first */
    if (nt == 0)
        return 0;
    /* RULE kb-offered: search shows published articles in effect, never
     * past expiry; the public FAQ only public ones. */
    st = db_query(db, e,
                  "SELECT " KB_COLS ", (CASE WHEN lower(a.title) LIKE ? "
                  "ESCAPE '\\' THEN 4 ELSE 0 END) + (CASE WHEN "
                  "lower(a.questions) LIKE ? ESCAPE '\\' THEN 2 ELSE 0 END) AS "
                  "score " KB_FROM
                  "WHERE a.status = 'published' AND (a.expires_at IS NULL OR "
                  "a.expires_at > ?) AND (a.effective_at IS NULL OR "
                  "a.effective_at <= ?) AND (? = 0 OR a.public = 1) AND "
                  "(lower(a.title || ' ' || a.questions || ' ' || a.answer || ' ' "
                  "|| a.tags || ' ' || COALESCE(a.category, '')) LIKE ? ESCAPE '\\') AND "
                  "(lower(a.title || ' ' || a.questions || ' ' || a.answer || ' ' "
                  "|| a.tags || ' ' || COALESCE(a.category, '')) LIKE ? ESCAPE '\\') AND "
                  "(lower(a.title || ' ' || a.questions || ' ' || a.answer || ' ' "
                  "|| a.tags || ' ' || COALESCE(a.category, '')) LIKE ? ESCAPE '\\') "
                  "ORDER BY score DESC, a.uses DESC, a.id DESC LIMIT ?",
                  "ttiiittti", terms[0], terms[0], now, now,
                  (int64_t)public_only, terms[0], terms[1], terms[2], limit);
    if (!st)
        return -1;
    while ((rc = db_step(st, e)) > 0)
        json_array_append_new(items, kb_row_json(st, now));
    db_reset(st);
    return rc;
}

int
kb_history(struct db *db, int64_t id, json_t *items, struct err *e)
{
    struct db_stmt *st;
    int rc;

    st = db_query(db, e,
                  "SELECT v.version, v.content, v.created_at, "
                  "COALESCE(au.name, ''), COALESCE(ap.name, '') FROM kb_versions v "
                  "LEFT JOIN users au ON au.id = v.author_id LEFT JOIN users ap "
                  "ON ap.id = v.approved_by WHERE v.article_id = ? ORDER BY "
                  "v.version DESC",
                  "i", id);
    if (!st)
        return -1;
    while ((rc = db_step(st, e)) > 0) {
        json_t *c = json_loads(db_col_text(st, 1), 0, NULL);

        json_array_append_new(
            items, json_pack("{s:I, s:o, s:o, s:s, s:s}", "version",
                             (json_int_t)db_col_int(st, 0), "content",
                             c ? c : json_object(), "published_at",
                             jv_time_json(db_col_int(st, 2)), "author",
                             db_col_text(st, 3), "approved_by",
                             db_col_text(st, 4)));
    }
    db_reset(st);
    return rc;
}

int
kb_stats(struct db *db, const char *unit_path_like, int64_t now,
         int64_t soon, json_t *items, struct err *e)
{
    struct db_stmt *st;
    int rc;

    /* RULE kb-stats: per unit — on offer, drafts, pending, expired, reviews
     * overdue (review_by passed) and due within `soon` seconds, uses. */
    st = db_query(db, e,
                  "SELECT u.id, u.code, u.name, "
                  "CAST(SUM(CASE WHEN a.status = 'published' AND (a.expires_at "
                  "IS NULL OR a.expires_at > ?) THEN 1 ELSE 0 END) AS BIGINT), "
                  "CAST(SUM(CASE WHEN a.status = 'draft' THEN 1 ELSE 0 END) AS BIGINT), "
                  "CAST(SUM(CASE WHEN a.status = 'pending' THEN 1 ELSE 0 END) AS BIGINT), "
                  "CAST(SUM(CASE WHEN a.status = 'expired' OR (a.status = "
                  "'published' AND a.expires_at IS NOT NULL AND a.expires_at <= ?) "
                  "THEN 1 ELSE 0 END) AS BIGINT), "
                  "CAST(SUM(CASE WHEN a.status = 'published' AND (a.expires_at "
                  "IS NULL OR a.expires_at > ?) AND a.review_by IS NOT NULL AND "
                  "a.review_by < ? THEN 1 ELSE 0 END) AS BIGINT), "
                  "CAST(SUM(CASE WHEN a.status = 'published' AND (a.expires_at "
                  "IS NULL OR a.expires_at > ?) AND a.review_by IS NOT NULL AND "
                  "a.review_by >= ? AND a.review_by < ? THEN 1 ELSE 0 END) AS BIGINT), "
                  "CAST(SUM(a.uses) AS BIGINT), count(*) "
                  "FROM kb_articles a JOIN units u ON u.id = a.unit_id "
                  "WHERE (? = '' OR u.path LIKE ?) "
                  "GROUP BY u.id, u.code, u.name ORDER BY u.id",
                  "iiiiiiitt", now, now, now, now, now, now, now + soon,
                  unit_path_like ? unit_path_like : "",
                  unit_path_like ? unit_path_like : "");
    if (!st)
        return -1;
    while ((rc = db_step(st, e)) > 0)
        json_array_append_new(
            items,
            json_pack("{s:I, s:{s:I, s:s, s:s}, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                      "id", (json_int_t)db_col_int(st, 0), "unit", "id",
                      (json_int_t)db_col_int(st, 0), "code",
                      db_col_text(st, 1), "name", db_col_text(st, 2),
                      "published", (json_int_t)db_col_int(st, 3), "drafts",
                      (json_int_t)db_col_int(st, 4), "pending",
                      (json_int_t)db_col_int(st, 5), "expired",
                      (json_int_t)db_col_int(st, 6), "overdue_reviews",
                      (json_int_t)db_col_int(st, 7), "reviews_due_soon",
                      (json_int_t)db_col_int(st, 8), "uses",
                      (json_int_t)db_col_int(st, 9), "total",
                      (json_int_t)db_col_int(st, 10)));
    db_reset(st);
    return rc;
}

/* The unit a code names, with its path. 1 found, 0 not. */
int
kb_unit_by_code(struct db *db, const char *code, int64_t *id, char *path,
                size_t path_size, struct err *e)
{
    struct db_stmt *st = db_query(db, e,
                                  "SELECT id, path FROM units WHERE code = ? "
                                  "AND active = 1",
                                  "t", code);
    int rc;

    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        *id = db_col_int(st, 0);
        snprintf(path, path_size, "%s", db_col_text(st, 1));
    }
    db_reset(st);
    return rc;
}
