/* kb-eval.c — retrieval quality of the knowledge-base search on real text.
 *
 *   kb-eval REPLIES.TSV DB
 *
 * REPLIES.TSV: a header line, then tab-separated records whose fields may be
 * double-quoted (CSV rules: "" is a quote, quoted fields may hold tabs and
 * newlines), with columns `title` and `reply` (e.g. the teddy2020c
 * att4_replies.tsv: 2,816 citizen messages and the official reply to each).
 * Every reply is indexed as an article (search_kb, through the real
 * tokenizer and text/search.c) into the scratch SQLite file DB; then every
 * message title is asked as an any-term query (what the agent desk sends)
 * and we count how often the message's own reply is first (hit@1) or among
 * the first five (hit@5). Also times the queries.
 */
#include "common.h"

#include <time.h>

#include "db/db.h"
#include "text/search.h"

struct rec {
    char *title;
    char *reply;
};

/* Reads one field at *p (CSV-quoted or bare), NUL-terminating it in place.
 * Returns the field; *p moves past the separator; *eol set at record end. */
static char *
field(char **p, char *end, int *eol)
{
    char *s = *p, *out = *p, *start;

    *eol = 0;
    if (s < end && *s == '"') {
        start = out;
        s++;
        while (s < end) {
            if (*s == '"' && s + 1 < end && s[1] == '"') {
                *out++ = '"';
                s += 2;
            } else if (*s == '"') {
                s++;
                break;
            } else {
                *out++ = *s++;
            }
        }
    } else {
        start = s;
        while (s < end && *s != '\t' && *s != '\n' && *s != '\r')
            s++;
        out = s;
    }
    if (s < end && *s == '\r')
        s++;
    if (s >= end || *s == '\n')
        *eol = 1;
    if (s < end)
        s++;
    *out = '\0';
    *p = s;
    return start;
}

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
    struct err e = ERR_INIT;
    struct db *db = NULL;
    struct rec *recs = NULL;
    FILE *f;
    char *data, *p, *end;
    long size;
    int ncol = 0, ctitle = -1, creply = -1, nrec = 0, cap = 0, eol = 0;
    int hit1 = 0, hit5 = 0, none = 0, asked = 0;
    double *lat;

    if (argc != 3) {
        fprintf(stderr, "usage: kb-eval REPLIES.TSV DB\n");
        return 2;
    }
    log_set_level(LOG_WARN);
    f = fopen(argv[1], "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "kb-eval: cannot read %s\n", argv[1]);
        return 1;
    }
    data = xmalloc((size_t)size + 1);
    if (fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "kb-eval: short read\n");
        return 1;
    }
    fclose(f);
    data[size] = '\0';
    p = data;
    end = data + size;
    while (!eol && p < end) { /* header */
        char *name = field(&p, end, &eol);

        if (strcmp(name, "title") == 0)
            ctitle = ncol;
        if (strcmp(name, "reply") == 0)
            creply = ncol;
        ncol++;
    }
    if (ctitle < 0 || creply < 0) {
        fprintf(stderr, "kb-eval: no title/reply columns\n");
        return 1;
    }
    while (p < end) {
        struct rec r = {NULL, NULL};

        eol = 0;
        for (int c = 0; !eol && p < end; c++) {
            char *v = field(&p, end, &eol);

            if (c == ctitle)
                r.title = v;
            if (c == creply)
                r.reply = v;
        }
        if (!r.title || !r.reply || !*r.title || !*r.reply)
            continue;
        if (nrec == cap) {
            cap = cap ? 2 * cap : 1024;
            recs = xrealloc(recs, (size_t)cap * sizeof(*recs));
        }
        recs[nrec++] = r;
    }
    remove(argv[2]);
    if (db_open(argv[2], &db, &e) < 0 || db_migrate(db, &e) < 0 ||
        db_begin(db, &e) < 0)
        goto fail;
    for (int i = 0; i < nrec; i++)
        if (search_index(db, SEARCH_KB, i + 1, recs[i].reply, &e) < 0)
            goto fail;
    if (db_commit(db, &e) < 0)
        goto fail;
    lat = xcalloc((size_t)nrec, sizeof(*lat));
    for (int i = 0; i < nrec; i++) {
        struct search_hit hits[5];
        double t0 = now_ms();
        int n = 0;

        if (search_query(db, SEARCH_KB, recs[i].title, SEARCH_ANY, hits, 5, &n,
                         &e) < 0) {
            if (e.code != ERR_VALIDATION) /* a title with nothing to search */
                goto fail;
            none++;
            continue;
        }
        lat[asked++] = now_ms() - t0;
        for (int k = 0; k < n; k++) {
            if (hits[k].id == i + 1) {
                hit1 += k == 0;
                hit5++;
                break;
            }
        }
    }
    qsort(lat, (size_t)asked, sizeof(*lat), cmp_double);
    printf("articles %d (replies), queries %d (titles; %d had no token)\n",
           nrec, asked, none);
    printf("hit@1 %.1f %% (%d)   hit@5 %.1f %% (%d)\n",
           100.0 * hit1 / (nrec ? nrec : 1), hit1,
           100.0 * hit5 / (nrec ? nrec : 1), hit5);
    if (asked)
        printf("query latency p50 %.2f ms  p99 %.2f ms\n", lat[asked / 2],
               lat[(asked * 99) / 100]);
    free(lat);
    free(recs);
    free(data);
    db_close(db);
    return 0;
fail:
    fprintf(stderr, "kb-eval: %s\n", e.message);
    db_close(db);
    return 1;
}
