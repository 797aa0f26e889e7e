/* audit.c — the hash-chained audit log: append, verify, list, and the
 * `hotline audit verify` command. See audit.h for the contract and
 * docs/audit.md for the design. */
#include "common.h"

#include <sodium.h>
#include <stdio.h>

#include "cases/cases.h"
#include "db/db.h"
#include "org/audit.h"
#include "util/buf.h"
#include "util/intern.h"
#include "util/jsonv.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define PER_PAGE_MAX 200
#define PAGE_MAX 100000
#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

const char *const audit_kinds[] = {
    AUDIT_LOGIN_OK,        AUDIT_LOGIN_FAILED,     AUDIT_LOGOUT,
    AUDIT_UNIT_CHANGE,     AUDIT_USER_CHANGE,      AUDIT_CATEGORY_CHANGE,
    AUDIT_SETTINGS_CHANGE, AUDIT_CASE_CREATE,      AUDIT_CASE_ACTION,
    AUDIT_PERSONAL_DATA_VIEW,
};
const size_t audit_nkinds = ARRAY_SIZE(audit_kinds);

/* ---- hashing ------------------------------------------------------------ */

static void
hash_field(crypto_hash_sha256_state *st, const char *name, const char *v)
{
    char head[96];
    int n;

    /* name=<len>:<value>\n — the length prefix makes the text unambiguous
     * whatever the value holds; NULL is "name=-\n", distinct from "". */
    if (v)
        n = snprintf(head, sizeof(head), "%s=%zu:", name, strlen(v));
    else
        n = snprintf(head, sizeof(head), "%s=-", name);
    crypto_hash_sha256_update(st, (const unsigned char *)head, (size_t)n);
    if (v)
        crypto_hash_sha256_update(st, (const unsigned char *)v, strlen(v));
    crypto_hash_sha256_update(st, (const unsigned char *)"\n", 1);
}

static void
hash_int(crypto_hash_sha256_state *st, const char *name, int64_t v, int null0)
{
    char num[24];

    if (null0 && v == 0) {
        hash_field(st, name, NULL);
        return;
    }
    snprintf(num, sizeof(num), "%lld", (long long)v);
    hash_field(st, name, num);
}

void
audit_hash(const struct audit_row *row, const char *prev_hash,
           char out[AUDIT_HASH_HEX])
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256_init(&st);
    hash_field(&st, "v", "hotline-audit-1");
    hash_int(&st, "seq", row->seq, 0);
    hash_int(&st, "at", row->at, 0);
    hash_int(&st, "actor_id", row->actor_id, 1);
    hash_field(&st, "actor_name", row->actor_name);
    hash_field(&st, "actor_role", row->actor_role);
    hash_field(&st, "client_ip", row->client_ip);
    hash_field(&st, "kind", row->kind);
    hash_field(&st, "target_type", row->target_type);
    hash_int(&st, "target_id", row->target_id, 1);
    hash_int(&st, "case_id", row->case_id, 1);
    hash_field(&st, "detail", row->detail);
    hash_field(&st, "prev_hash", prev_hash);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, AUDIT_HASH_HEX, h, sizeof(h));
}

/* ---- appending ---------------------------------------------------------- */

int
audit_record(struct db *db, const struct user *u, const char *ip,
             const char *kind, const char *target_type, int64_t target_id,
             int64_t case_id, json_t *detail, int64_t now, struct err *e)
{
    struct audit_row row = {0};
    struct db_stmt *st;
    char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX];
    char *text = NULL;
    int rc = -1;

    if (detail && json_object_size(detail) > 0)
        text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    /* Taking the head first serialises appenders (the row lock on
     * PostgreSQL; SQLite's write lock is already held). */
    st = db_query(db, e,
                  "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 "
                  "RETURNING seq, hash",
                  "");
    if (!st)
        goto out;
    rc = db_step(st, e);
    if (rc == 1) {
        row.seq = db_col_int(st, 0);
        snprintf(prev, sizeof(prev), "%s", db_col_text(st, 1));
    }
    db_reset(st);
    if (rc == 0)
        rc = err_set(e, ERR_INTERNAL, NULL, "audit: the chain head is missing");
    if (rc < 0)
        goto out;

    row.at = now;
    row.actor_id = u ? u->id : 0;
    row.actor_name = u ? u->username : NULL;
    row.actor_role = u ? role_name(u->role) : NULL;
    row.client_ip = ip ? ip : (u && u->client_ip[0] ? u->client_ip : NULL);
    row.kind = kind;
    row.target_type = target_type;
    row.target_id = target_id;
    row.case_id = case_id;
    row.detail = text;
    audit_hash(&row, prev, hash);

    rc = -1;
    if (db_exec(db, e,
                "INSERT INTO audit_log (seq, at, actor_id, actor_name, "
                "actor_role, client_ip, kind, target_type, target_id, case_id, "
                "detail, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                "iizttttt" "zz" "ttt", row.seq, row.at, row.actor_id,
                row.actor_name, row.actor_role, row.client_ip, row.kind,
                row.target_type, row.target_id, row.case_id, row.detail, prev,
                hash) < 0)
        goto out;
    if (db_exec(db, e, "UPDATE audit_head SET hash = ? WHERE id = 1", "t",
                hash) < 0)
        goto out;
    rc = 0;
out:
    free(text);
    json_decref(detail);
    return rc;
}

struct write_job {
    const struct user *u;
    const char *ip, *kind, *target_type;
    int64_t target_id, case_id, now;
    json_t *detail;
};

static int
write_job(struct db *db, void *ctx, struct err *e)
{
    struct write_job *j = ctx;

    /* json_incref: a failed batch may not run the job at all, and a job
     * that runs must not free what the caller still releases. */
    return audit_record(db, j->u, j->ip, j->kind, j->target_type,
                        j->target_id, j->case_id, json_incref(j->detail),
                        j->now, e);
}

int
audit_write(struct db *db, const struct user *u, const char *ip,
            const char *kind, const char *target_type, int64_t target_id,
            int64_t case_id, json_t *detail, int64_t now, struct err *e)
{
    struct write_job j = {u, ip, kind, target_type, target_id, case_id, now,
                          detail};
    int rc = db_write(db, write_job, &j, e);

    json_decref(detail);
    return rc;
}

struct change_job {
    db_write_fn fn;
    void *ctx;
    const struct audit_change *c;
};

static int
change_job(struct db *db, void *ctx, struct err *e)
{
    struct change_job *j = ctx;
    const struct audit_change *c = j->c;
    json_t *detail, *fields;
    const char *key;
    json_t *v;

    if (j->fn(db, j->ctx, e) < 0)
        return -1;
    detail = json_pack("{s:s}", "op", c->op ? c->op : "change");
    if (c->body && json_is_object(c->body) && json_object_size(c->body) > 0) {
        /* RULE audit-no-personal-data: which fields changed, not to what */
        fields = json_array();
        json_object_foreach(c->body, key, v) {
            (void)v;
            json_array_append_new(fields, json_string(key));
        }
        json_object_set_new(detail, "fields", fields);
    }
    return audit_record(db, c->actor, NULL, c->kind, c->target_type,
                        c->target_id ? *c->target_id : 0, 0, detail,
                        time_now(), e);
}

int
audit_db_write(struct db *db, db_write_fn fn, void *ctx,
               const struct audit_change *c, struct err *e)
{
    struct change_job j = {fn, ctx, c};

    return db_write(db, change_job, &j, e);
}

/* ---- verifying ---------------------------------------------------------- */

static int
broken(struct audit_report *rep, int64_t id, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
broken(struct audit_report *rep, int64_t id, int64_t seq, const char *fmt, ...)
{
    va_list ap;

    rep->ok = 0;
    rep->bad_id = id;
    rep->bad_seq = seq;
    va_start(ap, fmt);
    vsnprintf(rep->why, sizeof(rep->why), fmt, ap);
    va_end(ap);
    return 0;
}

int
audit_verify(struct db *db, struct audit_report *rep, struct err *e)
{
    struct db_stmt *st;
    char prev[AUDIT_HASH_HEX] = GENESIS, hash[AUDIT_HASH_HEX];
    char head_hash[AUDIT_HASH_HEX] = "";
    int64_t expect = 1, head_seq = -1, last_id = 0;
    int rc;

    memset(rep, 0, sizeof(*rep));
    rep->ok = 1;
    st = db_query(db, e,
                  "SELECT id, seq, at, COALESCE(actor_id, 0), actor_name, "
                  "actor_role, client_ip, kind, target_type, "
                  "COALESCE(target_id, 0), COALESCE(case_id, 0), detail, "
                  "prev_hash, hash FROM audit_log ORDER BY seq, id",
                  "");
    if (!st)
        return -1;
    while ((rc = db_step(st, e)) > 0) {
        struct audit_row row = {
            .seq = db_col_int(st, 1),
            .at = db_col_int(st, 2),
            .actor_id = db_col_int(st, 3),
            .actor_name = db_col_text(st, 4),
            .actor_role = db_col_text(st, 5),
            .client_ip = db_col_text(st, 6),
            .kind = db_col_text(st, 7),
            .target_type = db_col_text(st, 8),
            .target_id = db_col_int(st, 9),
            .case_id = db_col_int(st, 10),
            .detail = db_col_text(st, 11),
        };
        int64_t id = db_col_int(st, 0);
        const char *row_prev = db_col_text(st, 12);
        const char *row_hash = db_col_text(st, 13);

        /* RULE audit-chain: seq runs 1, 2, 3 … without gaps, each row names
         * the previous row's hash and its own hash matches its fields. */
        if (row.seq != expect) {
            broken(rep, id, row.seq,
                   "row id %lld: seq %lld where %lld was expected (a row was "
                   "deleted, inserted or renumbered)",
                   (long long)id, (long long)row.seq, (long long)expect);
            break;
        }
        if (!row_prev || strcmp(row_prev, prev) != 0) {
            broken(rep, id, row.seq,
                   "row id %lld (seq %lld): prev_hash does not match the hash "
                   "of the row before it (rows were deleted or reordered)",
                   (long long)id, (long long)row.seq);
            break;
        }
        audit_hash(&row, prev, hash);
        if (!row_hash || strcmp(row_hash, hash) != 0) {
            broken(rep, id, row.seq,
                   "row id %lld (seq %lld): hash does not match its contents "
                   "(the row was edited)",
                   (long long)id, (long long)row.seq);
            break;
        }
        memcpy(prev, hash, sizeof(prev));
        last_id = id;
        rep->entries++;
        expect++;
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    if (!rep->ok)
        return 0;

    st = db_query(db, e, "SELECT seq, hash FROM audit_head WHERE id = 1", "");
    if (!st)
        return -1;
    rc = db_step(st, e);
    if (rc == 1) {
        head_seq = db_col_int(st, 0);
        snprintf(head_hash, sizeof(head_hash), "%s", db_col_text(st, 1));
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    /* RULE audit-head: the head names the last row, so rows cut off the end
     * of the chain show as well. */
    if (rc == 0)
        return broken(rep, 0, 0, "the chain head (audit_head) is missing");
    if (head_seq != rep->entries || strcmp(head_hash, prev) != 0)
        return broken(rep, last_id, head_seq,
                      "the chain head names seq %lld but the log ends at seq "
                      "%lld (rows were removed from the end, or the head was "
                      "edited)",
                      (long long)head_seq, (long long)rep->entries);
    return 0;
}

/* ---- listing ------------------------------------------------------------ */

struct audit_filter {
    int64_t user_id, case_id, from, to, page, per_page;
    const char *kind;
};

static int
kind_valid(const char *k)
{
    for (size_t i = 0; i < audit_nkinds; i++) {
        if (strcmp(k, audit_kinds[i]) == 0)
            return 1;
    }
    return 0;
}

static int
query_time(struct req *r, const char *name, int64_t *out, struct err *e)
{
    const char *v = req_query(r, name);

    *out = 0;
    if (!v || !*v)
        return 0;
    if (time_parse(v, out) < 0)
        return err_set(e, ERR_VALIDATION, name,
                       "%s: not a date (YYYY-MM-DD), ISO 8601 time or epoch "
                       "seconds",
                       name);
    return 0;
}

static int
parse_filter(struct req *r, struct db *db, struct audit_filter *f,
             struct err *e)
{
    const char *c = req_query(r, "case");
    int rc;

    memset(f, 0, sizeof(*f));
    if (req_query_int(r, "user_id", 1, INT64_MAX, 0, &f->user_id, e) < 0 ||
        req_query_int(r, "page", 1, PAGE_MAX, 1, &f->page, e) < 0 ||
        req_query_int(r, "per_page", 1, PER_PAGE_MAX, 50, &f->per_page, e) < 0 ||
        query_time(r, "from", &f->from, e) < 0 ||
        query_time(r, "to", &f->to, e) < 0)
        return -1;
    f->kind = req_query(r, "kind");
    if (f->kind && !*f->kind)
        f->kind = NULL;
    if (f->kind && !kind_valid(f->kind))
        return err_set(e, ERR_VALIDATION, "kind", "kind: not an audit kind");
    if (f->from && f->to && f->to <= f->from)
        return err_set(e, ERR_VALIDATION, "to", "to: must be after from");
    if (c && *c) {
        if (strlen(c) > 32 || !utf8_valid(c, strlen(c)))
            return err_set(e, ERR_VALIDATION, "case",
                           "case: not a case id or case number");
        rc = case_resolve(db, c, &f->case_id, e);
        if (rc < 0)
            return rc;
        if (rc == 0) /* no such case: no entries, not an error */
            f->case_id = -1;
    }
    return 0;
}

static void
add_where(struct buf *sql, const struct audit_filter *f, char *types,
          int64_t *vals, int *n)
{
    buf_adds(sql, " WHERE 1 = 1");
    if (f->user_id) {
        buf_adds(sql, " AND l.actor_id = ?");
        types[*n] = 'i';
        vals[(*n)++] = f->user_id;
    }
    if (f->case_id) {
        buf_adds(sql, " AND l.case_id = ?");
        types[*n] = 'i';
        vals[(*n)++] = f->case_id;
    }
    if (f->kind) {
        buf_adds(sql, " AND l.kind = ?");
        types[*n] = 't';
        vals[(*n)++] = 0;
    }
    if (f->from) {
        buf_adds(sql, " AND l.at >= ?");
        types[*n] = 'i';
        vals[(*n)++] = f->from;
    }
    if (f->to) {
        buf_adds(sql, " AND l.at < ?");
        types[*n] = 'i';
        vals[(*n)++] = f->to;
    }
}

static struct db_stmt *
prepare_filtered(struct db *db, struct buf *sql, const struct audit_filter *f,
                 const char *types, const int64_t *vals, int n, struct err *e)
{
    struct db_stmt *st;

    if (sql->failed) {
        err_set(e, ERR_INTERNAL, NULL, "audit: query text too long");
        return NULL;
    }
    /* the text is made of fixed fragments only: interning bounds it */
    st = db_prepare(db, intern(sql->data), e);
    if (!st)
        return NULL;
    for (int k = 0; k < n; k++) {
        if (types[k] == 't')
            db_bind_text(st, k + 1, f->kind);
        else
            db_bind_int(st, k + 1, vals[k]);
    }
    return st;
}

static json_t *
entry_json(struct db_stmt *st)
{
    const char *detail = db_col_text(st, 11);
    json_t *d = detail ? json_loads(detail, 0, NULL) : NULL;
    json_t *j;

    j = json_pack("{s:I, s:I, s:o, s:s, s:o, s:o, s:s, s:s}", "id",
                  (json_int_t)db_col_int(st, 0), "seq",
                  (json_int_t)db_col_int(st, 1), "at",
                  jv_time_json(db_col_int(st, 2)), "kind", db_col_text(st, 7),
                  "client_ip",
                  db_col_text(st, 6) ? json_string(db_col_text(st, 6))
                                     : json_null(),
                  "detail", d ? d : json_object(), "prev_hash",
                  db_col_text(st, 13), "hash", db_col_text(st, 14));
    json_object_set_new(
        j, "actor",
        db_col_is_null(st, 3) && !db_col_text(st, 4)
            ? json_null()
            : json_pack("{s:o, s:s?, s:s?}", "id",
                        db_col_is_null(st, 3) ? json_null()
                                              : json_integer(db_col_int(st, 3)),
                        "username", db_col_text(st, 4), "role",
                        db_col_text(st, 5)));
    json_object_set_new(
        j, "target",
        db_col_text(st, 8)
            ? json_pack("{s:s, s:o}", "type", db_col_text(st, 8), "id",
                        db_col_is_null(st, 9) ? json_null()
                                              : json_integer(db_col_int(st, 9)))
            : json_null());
    json_object_set_new(
        j, "case",
        db_col_is_null(st, 10)
            ? json_null()
            : json_pack("{s:I, s:s?}", "id", (json_int_t)db_col_int(st, 10),
                        "case_no", db_col_text(st, 12)));
    return j;
}

static int
audit_list(struct db *db, const struct audit_filter *f, json_t **out,
           struct err *e)
{
    struct buf sql, count_sql;
    struct db_stmt *st;
    char types[8];
    int64_t vals[8], total = 0;
    int n = 0, rc = -1;
    json_t *items = NULL;

    buf_init(&sql, 4096);
    buf_init(&count_sql, 4096);
    buf_adds(&count_sql, "SELECT COUNT(*) FROM audit_log l");
    add_where(&count_sql, f, types, vals, &n);
    st = prepare_filtered(db, &count_sql, f, types, vals, n, e);
    if (!st)
        goto out;
    rc = db_step(st, e);
    if (rc == 1)
        total = db_col_int(st, 0);
    db_reset(st);
    if (rc < 0)
        goto out;

    n = 0;
    buf_adds(&sql, "SELECT l.id, l.seq, l.at, l.actor_id, l.actor_name, "
                   "l.actor_role, l.client_ip, l.kind, l.target_type, "
                   "l.target_id, l.case_id, l.detail, c.case_no, l.prev_hash, "
                   "l.hash FROM audit_log l "
                   "LEFT JOIN cases c ON c.id = l.case_id");
    add_where(&sql, f, types, vals, &n);
    buf_adds(&sql, " ORDER BY l.seq DESC LIMIT ? OFFSET ?");
    types[n] = 'i';
    vals[n++] = f->per_page;
    types[n] = 'i';
    vals[n++] = (f->page - 1) * f->per_page;
    st = prepare_filtered(db, &sql, f, types, vals, n, e);
    if (!st) {
        rc = -1;
        goto out;
    }
    items = json_array();
    while ((rc = db_step(st, e)) > 0)
        json_array_append_new(items, entry_json(st));
    db_reset(st);
    if (rc < 0)
        goto out;
    *out = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
                     (json_int_t)total, "page", (json_int_t)f->page,
                     "per_page", (json_int_t)f->per_page);
    items = NULL;
    rc = 0;
out:
    json_decref(items);
    buf_release(&sql);
    buf_release(&count_sql);
    return rc;
}

int
h_audit_list(struct req *r, struct resp *out, struct err *e)
{
    struct audit_filter f;
    struct db *db = db_thread(e);
    json_t *j;

    if (!db || parse_filter(r, db, &f, e) < 0 || audit_list(db, &f, &j, e) < 0)
        return -1;
    resp_json(out, 200, j);
    return 0;
}

/* ---- the command -------------------------------------------------------- */

int
cmd_audit(const char *db_url, char **rest, int nrest, struct err *e)
{
    struct audit_report rep;
    struct db *db = NULL;
    int rc;

    if (nrest != 1 || strcmp(rest[0], "verify") != 0)
        return err_set(e, ERR_VALIDATION, NULL,
                       "audit: usage: hotline audit verify [--db PATH]");
    if (db_open(db_url, &db, e) < 0)
        return -1;
    rc = audit_verify(db, &rep, e);
    db_close(db);
    if (rc < 0)
        return rc;
    if (!rep.ok) {
        printf("broken at row id %lld seq %lld: %s\n", (long long)rep.bad_id,
               (long long)rep.bad_seq, rep.why);
        printf("%lld entries before it hold\n", (long long)rep.entries);
        return err_set(e, ERR_CONFLICT, NULL, "audit: the chain is broken");
    }
    printf("ok %lld entries\n", (long long)rep.entries);
    return 0;
}
