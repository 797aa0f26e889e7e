/* cli.c — `hotline user add|passwd|disable`: the first admin on a fresh
 * database, and a way back in when every admin is locked out. */
#include "common.h"

#include <sodium.h>
#include <stdio.h>

#include "config.h"
#include "org/admin.h"
#include "org/auth.h"
#include "org/org.h"
#include "org/password.h"
#include "org/user.h"
#include "util/timeutil.h"

/* Reads one line (without the newline) from stdin. */
static int
read_password(char *out, size_t outsz, struct err *e)
{
    size_t n;

    if (isatty(STDIN_FILENO))
        fputs("new password: ", stderr);
    if (!fgets(out, (int)outsz, stdin))
        return err_set(e, ERR_VALIDATION, "password",
                       "password: nothing on standard input");
    n = strlen(out);
    if (n > 0 && out[n - 1] != '\n' && !feof(stdin))
        return err_set(e, ERR_VALIDATION, "password",
                       "password: at most %d bytes", PASSWORD_MAX_BYTES);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    return 0;
}

/* A random password that meets the rules: 4 groups of 4 from an alphabet
 * without look-alikes, joined by '-', with upper, lower and digits. */
static void
random_password(char out[24])
{
    static const char alpha[] = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
    size_t k = 0;

    for (int g = 0; g < 4; g++) {
        for (int i = 0; i < 4; i++)
            out[k++] = alpha[randombytes_uniform(sizeof(alpha) - 1)];
        out[k++] = g < 3 ? '-' : '\0';
    }
    out[0] = 'A' + (char)randombytes_uniform(26);   /* upper */
    out[1] = 'a' + (char)randombytes_uniform(26);   /* lower */
    out[2] = '2' + (char)randombytes_uniform(8);    /* digit */
}

static int
open_db(const struct config *cfg, struct db **db, struct err *e)
{
    if (db_open(cfg->db, db, e) < 0)
        return -1;
    if (db_migrate(*db, e) < 0) {
        db_close(*db);
        return -1;
    }
    return 0;
}

static int
find_user(struct db *db, const char *username, int64_t *id, struct err *e)
{
    int rc = db_query_int(db, e, id, "SELECT id FROM users WHERE username = ?",
                          "t", username);

    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "username", "user '%s': not found",
                       username);
    return rc < 0 ? rc : 0;
}

/* On an empty database (`migrate` only), `--unit platform` creates the root
 * unit the platform roles belong to. */
static int
create_root(struct db *db, int64_t *id, struct err *e)
{
    char path[32];
    int64_t n;
    int rc;

    if (db_query_int(db, e, &n, "SELECT count(*) FROM units", "") < 0)
        return -1;
    if (n > 0)
        return 0; /* a tree exists: "platform" is simply not in it */
    rc = db_begin(db, e);
    if (rc < 0)
        return rc;
    rc = db_query_int(db, e, id,
                      "INSERT INTO units (code, name, kind, created_at) "
                      "VALUES ('platform', '12345政务服务便民热线平台', "
                      "'platform', ?) RETURNING id",
                      "i", time_now());
    if (rc == 1) {
        snprintf(path, sizeof(path), "/%lld/", (long long)*id);
        rc = db_exec(db, e, "UPDATE units SET path = ? WHERE id = ?", "ti",
                     path, *id) < 0
                 ? -1
                 : 0;
    } else if (rc == 0) {
        rc = err_set(e, ERR_INTERNAL, NULL, "units: no id returned");
    }
    if (rc == 0)
        rc = db_commit(db, e);
    if (rc < 0) {
        db_rollback(db);
        return rc;
    }
    printf("created the platform unit (id %lld)\n", (long long)*id);
    return 0;
}

static int
user_add(const struct config *cfg, char **rest, int nrest, struct err *e)
{
    const char *username = NULL, *name = NULL, *role = NULL, *unit = NULL;
    char pw[PASSWORD_MAX_BYTES + 2], hash[PASSWORD_HASH_MAX];
    int from_stdin = 0, rc, generated = 0;
    struct user_new u;
    struct db *db = NULL;
    struct unit un;
    enum role rr;
    int64_t unit_id, id;

    for (int i = 0; i < nrest; i++) {
        const char **slot = NULL;

        if (strcmp(rest[i], "--password-stdin") == 0) {
            from_stdin = 1;
            continue;
        }
        if (strcmp(rest[i], "--username") == 0)
            slot = &username;
        else if (strcmp(rest[i], "--name") == 0)
            slot = &name;
        else if (strcmp(rest[i], "--role") == 0)
            slot = &role;
        else if (strcmp(rest[i], "--unit") == 0)
            slot = &unit;
        if (!slot || i + 1 >= nrest)
            return err_set(e, ERR_VALIDATION, NULL,
                           "user add: unknown or incomplete argument '%s'",
                           rest[i]);
        *slot = rest[++i];
    }
    if (!username || !name || !role || !unit)
        return err_set(e, ERR_VALIDATION, NULL,
                       "user add: --username, --name, --role and --unit are "
                       "required");
    if (role_parse(role, &rr) < 0)
        return err_set(e, ERR_VALIDATION, "role", "role: no role '%s'", role);
    if (from_stdin) {
        if (read_password(pw, sizeof(pw), e) < 0)
            return -1;
    } else {
        random_password(pw);
        generated = 1;
    }
    if (password_check(pw, username, "password", e) < 0)
        return -1;
    if (open_db(cfg, &db, e) < 0)
        return -1;
    rc = db_query_int(db, e, &unit_id, "SELECT id FROM units WHERE code = ?",
                      "t", unit);
    if (rc == 0 && strcmp(unit, "platform") == 0) {
        rc = create_root(db, &unit_id, e);
        if (rc == 0)
            rc = 1;
    }
    if (rc == 0)
        rc = err_set(e, ERR_NOT_FOUND, "unit", "unit '%s': not found", unit);
    if (rc < 0)
        goto out;
    rc = unit_load(db, unit_id, &un, e);
    if (rc < 0)
        goto out;
    if (role_is_platform(rr) != (strcmp(un.kind, "platform") == 0)) {
        rc = err_set(e, ERR_VALIDATION, "unit",
                     "unit: %s belongs to %s", role,
                     role_is_platform(rr) ? "the platform unit"
                                          : "a handling unit");
        goto out;
    }
    if (password_hash(pw, hash) < 0) {
        rc = err_set(e, ERR_INTERNAL, NULL, "password: cannot hash");
        goto out;
    }
    u = (struct user_new){username, name, role_name(rr), NULL, unit_id, hash};
    rc = db_begin(db, e);
    if (rc < 0)
        goto out;
    rc = admin_user_insert(db, &u, time_now(), &id, e);
    if (rc == 0)
        rc = db_commit(db, e);
    if (rc < 0)
        db_rollback(db);
    if (rc == 0) {
        printf("user %s (id %lld, %s) created\n", username, (long long)id,
               role_name(rr));
        if (generated)
            printf("password: %s\n", pw);
    }
out:
    sodium_memzero(pw, sizeof(pw));
    db_close(db);
    return rc < 0 ? -1 : 0;
}

static int
user_passwd(const struct config *cfg, const char *username, struct err *e)
{
    char pw[PASSWORD_MAX_BYTES + 2], hash[PASSWORD_HASH_MAX];
    struct db *db = NULL;
    int64_t id;
    int rc;

    if (read_password(pw, sizeof(pw), e) < 0 ||
        password_check(pw, username, "password", e) < 0)
        return -1;
    if (password_hash(pw, hash) < 0)
        return err_set(e, ERR_INTERNAL, NULL, "password: cannot hash");
    sodium_memzero(pw, sizeof(pw));
    if (open_db(cfg, &db, e) < 0)
        return -1;
    rc = find_user(db, username, &id, e);
    if (rc == 0)
        rc = db_begin(db, e);
    if (rc == 0) {
        rc = admin_user_set_password(db, id, hash, 0, time_now(), e);
        if (rc >= 0)
            rc = db_commit(db, e);
        if (rc < 0)
            db_rollback(db);
    }
    if (rc >= 0)
        printf("password of %s changed; their sessions are closed\n",
               username);
    db_close(db);
    return rc < 0 ? -1 : 0;
}

static int
user_disable(const struct config *cfg, const char *username, struct err *e)
{
    struct db *db = NULL;
    int64_t id;
    int rc;

    if (open_db(cfg, &db, e) < 0)
        return -1;
    rc = find_user(db, username, &id, e);
    if (rc == 0)
        rc = db_begin(db, e);
    if (rc == 0) {
        rc = admin_user_disable(db, id, e);
        if (rc >= 0)
            rc = db_commit(db, e);
        if (rc < 0)
            db_rollback(db);
    }
    if (rc >= 0)
        printf("user %s disabled; their sessions are closed\n", username);
    db_close(db);
    return rc < 0 ? -1 : 0;
}

int
cmd_user(const struct config *cfg, char **rest, int nrest, struct err *e)
{
    if (nrest >= 1 && strcmp(rest[0], "add") == 0)
        return user_add(cfg, rest + 1, nrest - 1, e);
    if (nrest == 2 && strcmp(rest[0], "passwd") == 0)
        return user_passwd(cfg, rest[1], e);
    if (nrest == 2 && strcmp(rest[0], "disable") == 0)
        return user_disable(cfg, rest[1], e);
    return err_set(e, ERR_VALIDATION, NULL,
                   "user: add --username U --name N --role R --unit CODE "
                   "[--password-stdin] | passwd U | disable U");
}
