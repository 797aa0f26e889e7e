/* fuzz_config.c — config_set(name, value) on arbitrary text.
 *
 * Input: "name=value" (split at the first '='; with no '=' the whole input
 * is the value of "max-body"), cut at the first NUL.
 *
 * Invariants: 0 or < 0; on failure e.code == ERR_VALIDATION, the message is
 * non-empty, and the config is unchanged; on success exactly the named
 * setting may change, and every setting is within its table limits
 * (threads 1..256, max-connections 16..100000, timeout 1..3600, max-body
 * 1 KiB..64 MiB, log level 0..3, listen HOST:PORT with a port 1..65535,
 * db non-empty). */
#include "common.h"

#include "config.h"
#include "fuzz.h"

static void
check_limits(const struct config *c)
{
    const char *colon;
    int64_t port;

    FUZZ_CHECK(c->threads >= 1 && c->threads <= 256);
    FUZZ_CHECK(c->max_connections >= 16 && c->max_connections <= 100000);
    FUZZ_CHECK(c->timeout_s >= 1 && c->timeout_s <= 3600);
    FUZZ_CHECK(c->max_body >= 1024 && c->max_body <= 64 * 1024 * 1024);
    FUZZ_CHECK(c->log_level >= 0 && c->log_level <= 3);
    FUZZ_CHECK(c->db != NULL && c->db[0] != '\0');
    FUZZ_CHECK(c->static_dir != NULL);
    FUZZ_CHECK(c->listen != NULL);
    colon = strrchr(c->listen, ':');
    FUZZ_CHECK(colon != NULL && colon != c->listen);
    FUZZ_CHECK(parse_int64(colon + 1, 1, 65535, &port) == 0);
}

static int
same(const struct config *a, const struct config *b)
{
    return a->listen == b->listen && a->db == b->db &&
           a->static_dir == b->static_dir && a->threads == b->threads &&
           a->max_connections == b->max_connections &&
           a->timeout_s == b->timeout_s && a->max_body == b->max_body &&
           a->log_level == b->log_level;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config c, before;
    struct err e = ERR_INIT;
    const char *name = "max-body";
    char *in, *value, *eq;
    int rc;

    if (size > 1024)
        return 0;
    in = fuzz_cstr(data, size, NULL);
    value = in;
    eq = strchr(in, '=');
    if (eq != NULL) {
        *eq = '\0';
        name = in;
        value = eq + 1;
    }
    config_defaults(&c);
    check_limits(&c);
    before = c;
    rc = config_set(&c, name, value, &e);
    if (rc < 0) {
        FUZZ_CHECK(e.code == ERR_VALIDATION);
        FUZZ_CHECK(e.message[0] != '\0');
        FUZZ_CHECK(same(&c, &before));
    } else {
        FUZZ_CHECK(rc == 0);
        check_limits(&c);
        if (strcmp(name, "listen") == 0 || strcmp(name, "db") == 0 ||
            strcmp(name, "static") == 0) {
            const char *got = strcmp(name, "listen") == 0 ? c.listen
                              : strcmp(name, "db") == 0   ? c.db
                                                          : c.static_dir;

            FUZZ_CHECK(got == value);
        }
    }
    free(in);
    return 0;
}
