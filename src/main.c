/* main.c — the hotline command: serve, migrate, seed. */
#include "common.h"

#include <sodium.h>

#include "config.h"
#include "db/db.h"
#include "deadline/rules.h" /* time limits */
#include "http/http.h"
#include "notify/serve.h"
#include "org/admin.h"    /* hotline user */
#include "org/throttle.h" /* security settings */
#include "org/audit.h"
#include "seed/seed.h"
#include "text/search.h"     /* search: backfill */
#include "text/search_cmd.h" /* hotline reindex */
#include "util/timeutil.h"

#define DEMO_CASES 3000

static void
usage(FILE *out)
{
    fputs("usage: hotline <command> [options]\n"
          "\n"
          "commands:\n"
          "  serve              run the HTTP server (migrates the database first)\n"
          "  serve --test-clock also let an admin move the clock (tests only)\n"
          "  migrate            apply database migrations and exit\n"
          "  seed --org         create units, categories and users in an empty database\n"
          "  seed --demo [--cases N]\n"
          "                     --org plus N realistic demo cases (default 3000)\n"
          "  audit verify       check the audit log's hash chain (exit 1 if broken)\n"
          "  reindex            rebuild the cases' full-text search index\n"
          "  user add --username U --name N --role R --unit CODE [--password-stdin]\n"
          "  user passwd U | user disable U\n"
          "                     manage staff accounts (passwords from stdin)\n"
          "  help               this text\n"
          "\n"
          "options (every command; flags override HOTLINE_* environment variables):\n",
          out);
    config_help(out);
}

/* Opens the configured database and brings its schema up to date. */
static struct db *
open_store(const struct config *cfg, struct err *e)
{
    struct db *db = NULL;

    if (db_open(cfg->db, &db, e) < 0)
        return NULL;
    /* search: cases not yet in the full-text index are indexed first */
    if (db_migrate(db, e) < 0 || search_backfill_cases(db, 1000, e) < 0 ||
        db_optimize(db, e) < 0) {
        db_close(db);
        return NULL;
    }
    return db;
}

static int
cmd_serve(const struct config *cfg, char **rest, int nrest, struct err *e)
{
    struct http_config hc;
    struct db *db;
    int rc, test_clock;

    if (notify_serve_args(rest, nrest, &test_clock, e) < 0) /* --test-clock */
        return -1;
    db = open_store(cfg, e);
    if (!db)
        return -1;
    db_close(db);
    if (security_configure(cfg, e) < 0) /* sessions, throttling */
        return -1;
    db_pool_init(cfg->db);
    if (db_writer_start(cfg->db, e) < 0)
        return -1;
    if (notify_serve_start(cfg, test_clock, e) < 0) { /* tick, outbox, SSE */
        db_writer_stop();
        return -1;
    }
    config_http(cfg, &hc);
    rc = http_serve(&hc, e);
    notify_serve_stop();
    db_writer_stop();
    db_pool_close_all();
    return rc;
}

static int
cmd_migrate(const struct config *cfg, struct err *e)
{
    struct db *db = open_store(cfg, e);

    if (!db)
        return -1;
    db_close(db);
    printf("database %s is up to date\n", cfg->db);
    return 0;
}

static int
cmd_seed(const struct config *cfg, char **rest, int nrest, struct err *e)
{
    int demo = 0, org = 0;
    int64_t ncases = DEMO_CASES;
    struct db *db;
    int64_t now = time_now(), t0;
    int rc;

    for (int i = 0; i < nrest; i++) {
        if (strcmp(rest[i], "--demo") == 0) {
            demo = 1;
        } else if (strcmp(rest[i], "--org") == 0) {
            org = 1;
        } else if (strcmp(rest[i], "--cases") == 0 && i + 1 < nrest) {
            if (parse_int64(rest[++i], 0, 1000000, &ncases) < 0)
                return err_set(e, ERR_VALIDATION, "cases",
                               "--cases: must be a number from 0 to 1000000");
        } else {
            return err_set(e, ERR_VALIDATION, rest[i],
                           "seed: unknown argument '%s'", rest[i]);
        }
    }
    if (demo == org)
        return err_set(e, ERR_VALIDATION, NULL,
                       "seed: give exactly one of --org or --demo");
    db = open_store(cfg, e);
    if (!db)
        return -1;
    t0 = time_now();
    rc = seed_org(db, now, e);
    if (rc == 0 && demo)
        rc = seed_cases(db, (int)ncases, now, 20261129u, e);
    if (rc == 0)
        rc = db_optimize(db, e);
    if (rc == 0) {
        fprintf(stderr, "seeded %s%s in %llds\n", demo ? "demo data" : "organisation",
                demo ? "" : "", (long long)(time_now() - t0));
        seed_print_logins(db, stdout);
    }
    db_close(db);
    return rc;
}

int
main(int argc, char **argv)
{
    struct err e = ERR_INIT;
    struct config cfg;
    const char *cmd;
    char **rest;
    int nrest = 0, rc;

    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
        strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (sodium_init() < 0) {
        fputs("hotline: libsodium failed to initialise\n", stderr);
        return 1;
    }
    config_defaults(&cfg);
    rest = xcalloc((size_t)argc, sizeof(*rest));
    if (config_from_env(&cfg, &e) < 0)
        goto fail;
    rc = config_parse_args(&cfg, argc - 2, argv + 2, rest, &nrest, &e);
    if (rc < 0)
        goto fail;
    if (rc == 1) {
        usage(stdout);
        free(rest);
        return 0;
    }
    log_set_level((enum log_level)cfg.log_level);
    /* time limits: extension limits (deadline/rules.h) */
    deadline_configure((int)cfg.extension_max_count, (int)cfg.extension_max_days);

    if (strcmp(cmd, "serve") == 0)
        rc = cmd_serve(&cfg, rest, nrest, &e);
    else if (strcmp(cmd, "migrate") == 0)
        rc = nrest ? err_set(&e, ERR_VALIDATION, NULL, "migrate: unexpected argument")
                   : cmd_migrate(&cfg, &e);
    else if (strcmp(cmd, "seed") == 0)
        rc = cmd_seed(&cfg, rest, nrest, &e);
    else if (strcmp(cmd, "user") == 0)
        rc = cmd_user(&cfg, rest, nrest, &e);
    else if (strcmp(cmd, "audit") == 0) /* audit log (org/audit.c) */
        rc = cmd_audit(cfg.db, rest, nrest, &e);
    else if (strcmp(cmd, "reindex") == 0) /* search (text/search_cmd.c) */
        rc = cmd_reindex(cfg.db, rest, nrest, &e);
    else
        rc = err_set(&e, ERR_VALIDATION, NULL, "unknown command '%s' (try hotline help)",
                     cmd);
    if (rc < 0)
        goto fail;
    free(rest);
    return 0;

fail:
    free(rest);
    fprintf(stderr, "hotline: %s\n", e.message[0] ? e.message : "failed");
    return 1;
}
