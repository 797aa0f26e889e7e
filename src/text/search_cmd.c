/* search_cmd.c — `hotline reindex`: rebuilds the cases' search index.
 *
 * Serve and migrate already index cases missing from the index at start
 * (search_backfill_cases); reindex empties it first, for after a tokenizer
 * change (the tokens stored are the old tokenizer's).
 */
#include "common.h"

#include "text/search.h"
#include "text/search_cmd.h"

int
cmd_reindex(const char *db_url, char **rest, int nrest, struct err *e)
{
    struct db *db = NULL;
    int64_t n;
    int rc = -1;

    (void)rest;
    if (nrest)
        return err_set(e, ERR_VALIDATION, NULL, "reindex: unexpected argument");
    if (db_open(db_url, &db, e) < 0)
        return -1;
    if (db_migrate(db, e) < 0)
        goto out;
    if (db_exec(db, e, "DELETE FROM search_cases", "") < 0)
        goto out;
    n = search_backfill_cases(db, 1000, e);
    if (n < 0)
        goto out;
    printf("indexed %lld cases\n", (long long)n);
    rc = 0;
out:
    db_close(db);
    return rc;
}
