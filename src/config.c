/* config.c — the option table and what it drives (after Redis' config.c:
 * one row per setting, with its limits and target field). */
#include "common.h"

#include <stdio.h>
#include <unistd.h>

#include "config.h"
#include "org/throttle.h"

enum cfg_kind {
    CFG_STRING, /* const char * */
    CFG_INT,    /* int64_t in [min, max] */
    CFG_SIZE,   /* int64_t bytes in [min, max]; accepts a k/m suffix */
    CFG_ENUM,   /* int index into names[] */
};

struct cfg_option {
    const char *name; /* flag without "--" */
    const char *env;
    const char *arg;  /* placeholder in --help */
    enum cfg_kind kind;
    size_t offset;
    const char *def;  /* NULL: computed by config_defaults */
    int64_t min, max;
    const char *const *names;
    int (*check)(const char *value); /* extra check for strings; 0 ok */
    const char *check_msg;
    const char *help;
};

/* Same order as enum log_level; NULL-terminated. */
static const char *const level_names[] = {"debug", "info", "warn", "error",
                                          NULL};

static int check_listen(const char *v);
static int check_nonempty(const char *v);
static int check_url_or_empty(const char *v);  /* notifications */
static int check_smtp_or_empty(const char *v); /* notifications */
static int check_ip_list(const char *v);

#define OFF(f) offsetof(struct config, f)

static const struct cfg_option options[] = {
    {"listen", "HOTLINE_LISTEN", "HOST:PORT", CFG_STRING, OFF(listen),
     "127.0.0.1:8080", 0, 0, NULL, check_listen,
     "must be HOST:PORT (IPv6 as [::1]:8080) with a port in 1..65535",
     "address to listen on"},
    {"db", "HOTLINE_DB", "PATH|URL", CFG_STRING, OFF(db), "data/hotline.db",
     0, 0, NULL, check_nonempty, "must not be empty",
     "SQLite file, or postgres://... for PostgreSQL"},
    {"static", "HOTLINE_STATIC", "DIR", CFG_STRING, OFF(static_dir),
     "web/dist", 0, 0, NULL, NULL, NULL,
     "directory of the web app (\"\" to serve no files)"},
    {"threads", "HOTLINE_THREADS", "N", CFG_INT, OFF(threads), NULL, 1, 256,
     NULL, NULL, NULL, "HTTP worker threads (default: 2 per CPU, 2..64)"},
    {"max-connections", "HOTLINE_MAX_CONNECTIONS", "N", CFG_INT,
     OFF(max_connections), "1024", 16, 100000, NULL, NULL, NULL,
     "most simultaneous client connections"},
    {"timeout", "HOTLINE_TIMEOUT", "SECONDS", CFG_INT, OFF(timeout_s), "30",
     1, 3600, NULL, NULL, NULL, "idle connection timeout"},
    {"max-body", "HOTLINE_MAX_BODY", "BYTES", CFG_SIZE, OFF(max_body), "1m",
     1024, 64 * 1024 * 1024, NULL, NULL, NULL,
     "cap on any request body (routes set lower limits); k/m suffixes"},
    {"log-level", "HOTLINE_LOG_LEVEL", "LEVEL", CFG_ENUM, OFF(log_level),
     "info", 0, 0, level_names, NULL, NULL, "debug, info, warn or error"},
    /* --- security (org/throttle.h, docs/security.md) --- */
    {"session-idle", "HOTLINE_SESSION_IDLE", "SECONDS", CFG_INT,
     OFF(session_idle), "14400", 1, 30 * 86400, NULL, NULL, NULL,
     "a session dies after this long without a request"},
    {"session-absolute", "HOTLINE_SESSION_ABSOLUTE", "SECONDS", CFG_INT,
     OFF(session_absolute), "43200", 1, 90 * 86400, NULL, NULL, NULL,
     "a session dies this long after login"},
    {"trusted-proxies", "HOTLINE_TRUSTED_PROXIES", "IP,IP", CFG_STRING,
     OFF(trusted_proxies), "", 0, 0, NULL, check_ip_list,
     "must be a comma list of at most 16 IP addresses",
     "proxies whose X-Forwarded-For/-Proto are believed"},
    {"login-window", "HOTLINE_LOGIN_WINDOW", "SECONDS", CFG_INT,
     OFF(login_window), "900", 1, 86400, NULL, NULL, NULL,
     "window in which failed logins are counted"},
    {"login-max-failures", "HOTLINE_LOGIN_MAX_FAILURES", "N", CFG_INT,
     OFF(login_max_failures), "5", 1, 1000, NULL, NULL, NULL,
     "failed logins per account in the window before a lock-out"},
    {"login-ip-max-failures", "HOTLINE_LOGIN_IP_MAX_FAILURES", "N", CFG_INT,
     OFF(login_ip_max_failures), "30", 1, 100000, NULL, NULL, NULL,
     "failed logins per client address in the window before a lock-out"},
    {"login-lockout", "HOTLINE_LOGIN_LOCKOUT", "SECONDS", CFG_INT,
     OFF(login_lockout), "300", 1, 86400, NULL, NULL, NULL,
     "first lock-out; doubles with each lock-out in a row (max a day)"},
    {"public-window", "HOTLINE_PUBLIC_WINDOW", "SECONDS", CFG_INT,
     OFF(public_window), "600", 1, 86400, NULL, NULL, NULL,
     "window of the public rate limits"},
    {"public-submit-limit", "HOTLINE_PUBLIC_SUBMIT_LIMIT", "N", CFG_INT,
     OFF(public_submit_limit), "30", 1, 1000000, NULL, NULL, NULL,
     "public case submissions per client address in the window"},
    {"public-track-limit", "HOTLINE_PUBLIC_TRACK_LIMIT", "N", CFG_INT,
     OFF(public_track_limit), "300", 1, 1000000, NULL, NULL, NULL,
     "public case look-ups per client address in the window"},
    {"public-rate-limit", "HOTLINE_PUBLIC_RATE_LIMIT", "N", CFG_INT,
     OFF(public_rate_limit), "30", 1, 1000000, NULL, NULL, NULL,
     "public ratings per client address in the window"},
    {"guess-window", "HOTLINE_GUESS_WINDOW", "SECONDS", CFG_INT,
     OFF(guess_window), "3600", 1, 86400, NULL, NULL, NULL,
     "window in which wrong case numbers/query codes are counted"},
    {"guess-client-limit", "HOTLINE_GUESS_CLIENT_LIMIT", "N", CFG_INT,
     OFF(guess_client_limit), "20", 1, 100000, NULL, NULL, NULL,
     "wrong look-ups per client address in the window, then 429"},
    {"guess-case-limit", "HOTLINE_GUESS_CASE_LIMIT", "N", CFG_INT,
     OFF(guess_case_limit), "10", 1, 100000, NULL, NULL, NULL,
     "wrong look-ups per case number in the window, then 429"},
    /* --- deadline tick and notifications (docs/tick.md, docs/notifications.md) --- */
    {"tick-interval", "HOTLINE_TICK_INTERVAL", "SECONDS", CFG_INT,
     OFF(tick_interval), "30", 1, 3600, NULL, NULL, NULL,
     "seconds between deadline ticks (warnings, urges, escalations)"},
    {"yellow-days", "HOTLINE_YELLOW_DAYS", "N", CFG_INT, OFF(yellow_days), "1",
     1, 30, NULL, NULL, NULL,
     "a deadline turns yellow when at most N working days remain"},
    {"notify-retry-base", "HOTLINE_NOTIFY_RETRY_BASE", "SECONDS", CFG_INT,
     OFF(notify_retry_base), "30", 1, 3600, NULL, NULL, NULL,
     "first retry delay of a failed message (doubles each time, capped)"},
    {"notify-max-attempts", "HOTLINE_NOTIFY_MAX_ATTEMPTS", "N", CFG_INT,
     OFF(notify_max_attempts), "10", 1, 100, NULL, NULL, NULL,
     "delivery attempts before a message is marked failed"},
    {"sms-gateway-url", "HOTLINE_SMS_GATEWAY_URL", "URL", CFG_STRING,
     OFF(sms_gateway_url), "", 0, 0, NULL, check_url_or_empty,
     "must be an http:// or https:// URL, or empty",
     "SMS gateway endpoint (JSON POST); \"\" = SMS stay queued"},
    {"sms-gateway-key", "HOTLINE_SMS_GATEWAY_KEY", "KEY", CFG_STRING,
     OFF(sms_gateway_key), "", 0, 0, NULL, NULL, NULL,
     "API key sent to the SMS gateway (X-Api-Key)"},
    {"sms-templates", "HOTLINE_SMS_TEMPLATES", "KEY=ID,...", CFG_STRING,
     OFF(sms_templates), "", 0, 0, NULL, NULL, NULL,
     "gateway template ids per message (receipt=SMS_1,...); default the key"},
    {"smtp-url", "HOTLINE_SMTP_URL", "URL", CFG_STRING, OFF(smtp_url), "", 0,
     0, NULL, check_smtp_or_empty, "must be smtp:// or smtps://, or empty",
     "SMTP server for email alerts (\"\" = no email)"},
    {"smtp-user", "HOTLINE_SMTP_USER", "USER", CFG_STRING, OFF(smtp_user), "",
     0, 0, NULL, NULL, NULL, "SMTP login"},
    {"smtp-password", "HOTLINE_SMTP_PASSWORD", "PASSWORD", CFG_STRING,
     OFF(smtp_password), "", 0, 0, NULL, NULL, NULL, "SMTP password"},
    {"smtp-from", "HOTLINE_SMTP_FROM", "ADDRESS", CFG_STRING, OFF(smtp_from),
     "", 0, 0, NULL, NULL, NULL, "sender address of email alerts"},
    /* time limits: extensions (deadline/rules.h, docs/time-limits.md) */
    {"extension-max-count", "HOTLINE_EXTENSION_MAX_COUNT", "N", CFG_INT,
     OFF(extension_max_count), "3", 1, 20, NULL, NULL, NULL,
     "extension requests allowed per case"},
    {"extension-max-days", "HOTLINE_EXTENSION_MAX_DAYS", "N", CFG_INT,
     OFF(extension_max_days), "30", 1, 60, NULL, NULL, NULL,
     "most working days one extension request may ask for"},
};

/* HOST:PORT, [V6]:PORT; port 1..65535. */
static int
check_listen(const char *v)
{
    const char *colon = strrchr(v, ':');
    int64_t port;

    if (colon == NULL || colon == v)
        return -1;
    if (v[0] == '[' && colon[-1] != ']')
        return -1;
    if (v[0] != '[' && memchr(v, ':', (size_t)(colon - v)) != NULL)
        return -1; /* bare IPv6 without brackets */
    if (v[0] != '[' && memchr(v, ']', (size_t)(colon - v)) != NULL)
        return -1; /* a ']' with no '[' */
    /* the port: 1-5 plain digits, no sign, no leading zero */
    if (colon[1] < '1' || colon[1] > '9' ||
        strspn(colon + 1, "0123456789") != strlen(colon + 1))
        return -1;
    return parse_int64(colon + 1, 1, 65535, &port);
}

static int
check_nonempty(const char *v)
{
    return v[0] == '\0' ? -1 : 0;
}

/* security: trusted proxies are IP addresses (org/throttle.c) */
static int
check_ip_list(const char *v)
{
    unsigned char ips[TRUSTED_PROXIES_MAX][16];
    int n;

    return ip_list_parse(v, ips, TRUSTED_PROXIES_MAX, &n);
}

/* notifications: "" or a URL with the right scheme */
static int
check_url_or_empty(const char *v)
{
    return v[0] == '\0' || strncmp(v, "http://", 7) == 0 ||
                   strncmp(v, "https://", 8) == 0
               ? 0
               : -1;
}

static int
check_smtp_or_empty(const char *v)
{
    return v[0] == '\0' || strncmp(v, "smtp://", 7) == 0 ||
                   strncmp(v, "smtps://", 8) == 0
               ? 0
               : -1;
}

/* Parses a size: digits with an optional k/K (KiB) or m/M (MiB) suffix. */
static int
parse_size(const char *v, int64_t min, int64_t max, int64_t *out)
{
    char digits[24];
    size_t n = strlen(v);
    int64_t mult = 1;
    int64_t x;

    if (n > 0 && (v[n - 1] == 'k' || v[n - 1] == 'K')) {
        mult = 1024;
        n--;
    } else if (n > 0 && (v[n - 1] == 'm' || v[n - 1] == 'M')) {
        mult = 1024 * 1024;
        n--;
    }
    if (n == 0 || n >= sizeof(digits))
        return -1;
    memcpy(digits, v, n);
    digits[n] = '\0';
    if (parse_int64(digits, 0, INT64_MAX / mult, &x) < 0)
        return -1;
    x *= mult;
    if (x < min || x > max)
        return -1;
    *out = x;
    return 0;
}

/* Sets one option; `what` names it in errors ("--threads", "HOTLINE_DB"). */
static int
opt_set(struct config *c, const struct cfg_option *o, const char *value,
        const char *what, struct err *e)
{
    char *base = (char *)c;
    int64_t x;
    size_t i;

    switch (o->kind) {
    case CFG_STRING:
        if (o->check != NULL && o->check(value) != 0)
            return err_set(e, ERR_VALIDATION, what, "%s (got \"%s\")",
                           o->check_msg, value);
        memcpy(base + o->offset, &value, sizeof(value));
        return 0;
    case CFG_INT:
        if (parse_int64(value, o->min, o->max, &x) < 0)
            return err_set(e, ERR_VALIDATION, what,
                           "must be an integer in %lld..%lld (got \"%s\")",
                           (long long)o->min, (long long)o->max, value);
        memcpy(base + o->offset, &x, sizeof(x));
        return 0;
    case CFG_SIZE:
        if (parse_size(value, o->min, o->max, &x) < 0)
            return err_set(e, ERR_VALIDATION, what,
                           "must be a size in %lld..%lld bytes, like 512k or "
                           "1m (got \"%s\")",
                           (long long)o->min, (long long)o->max, value);
        memcpy(base + o->offset, &x, sizeof(x));
        return 0;
    case CFG_ENUM:
        for (i = 0; o->names[i] != NULL; i++) {
            if (strcmp(value, o->names[i]) == 0) {
                int idx = (int)i;

                memcpy(base + o->offset, &idx, sizeof(idx));
                return 0;
            }
        }
        return err_set(e, ERR_VALIDATION, what, "must be %s (got \"%s\")",
                       o->help, value);
    }
    return err_set(e, ERR_INTERNAL, what, "bad option kind");
}

static const struct cfg_option *
opt_find(const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(options); i++)
        if (strlen(options[i].name) == len &&
            memcmp(options[i].name, name, len) == 0)
            return &options[i];
    return NULL;
}

static int64_t
default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    if (n < 1)
        n = 1;
    n *= 2;
    if (n < 2)
        n = 2;
    if (n > 64)
        n = 64;
    return n;
}

void
config_defaults(struct config *c)
{
    struct err e = ERR_INIT;
    size_t i;

    memset(c, 0, sizeof(*c));
    for (i = 0; i < ARRAY_SIZE(options); i++) {
        if (options[i].def == NULL)
            continue;
        if (opt_set(c, &options[i], options[i].def, options[i].name, &e) < 0)
            BUG("config default for %s: %s", options[i].name, e.message);
    }
    c->threads = default_threads();
}

int
config_from_env(struct config *c, struct err *e)
{
    const char *v;
    size_t i;
    int rc;

    for (i = 0; i < ARRAY_SIZE(options); i++) {
        v = getenv(options[i].env);
        if (v == NULL)
            continue;
        rc = opt_set(c, &options[i], v, options[i].env, e);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int
config_set(struct config *c, const char *name, const char *value,
           struct err *e)
{
    const struct cfg_option *o = opt_find(name, strlen(name));

    if (o == NULL)
        return err_set(e, ERR_VALIDATION, name, "unknown option");
    return opt_set(c, o, value, name, e);
}

int
config_parse_args(struct config *c, int argc, char **argv, char **rest,
                  int *nrest, struct err *e)
{
    const struct cfg_option *o;
    const char *arg;
    const char *eq;
    const char *value;
    char what[64];
    int only_rest = 0;
    int n = 0;
    int rc = 0;
    int i;

    for (i = 0; i < argc; i++) {
        arg = argv[i];
        o = NULL;
        eq = NULL;
        if (!only_rest && strcmp(arg, "--") == 0) {
            only_rest = 1;
            continue;
        }
        if (!only_rest &&
            (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
            rc = 1;
            goto out;
        }
        if (!only_rest && strncmp(arg, "--", 2) == 0) {
            eq = strchr(arg + 2, '=');
            o = opt_find(arg + 2,
                         eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
        }
        if (o == NULL) {
            if (rest == NULL) {
                rc = err_set(e, ERR_VALIDATION, NULL,
                             "%s \"%s\" (see --help)",
                             strncmp(arg, "-", 1) == 0 ? "unknown option"
                                                      : "unexpected argument",
                             arg);
                goto out;
            }
            rest[n++] = argv[i];
            continue;
        }
        snprintf(what, sizeof(what), "--%s", o->name);
        if (eq != NULL) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            rc = err_set(e, ERR_VALIDATION, what, "needs a value (%s)", o->arg);
            goto out;
        }
        rc = opt_set(c, o, value, what, e);
        if (rc < 0)
            goto out;
    }
out:
    if (nrest != NULL)
        *nrest = n;
    return rc;
}

void
config_help(FILE *out)
{
    char flag[48];
    char def[32];
    size_t i;

    fprintf(out, "Options (flags override environment variables, which "
                 "override defaults):\n");
    for (i = 0; i < ARRAY_SIZE(options); i++) {
        const struct cfg_option *o = &options[i];

        snprintf(flag, sizeof(flag), "--%s %s", o->name, o->arg);
        if (o->def != NULL)
            snprintf(def, sizeof(def), "%s", o->def[0] ? o->def : "\"\"");
        else if (o->offset == OFF(threads))
            snprintf(def, sizeof(def), "%lld", (long long)default_threads());
        else
            snprintf(def, sizeof(def), "-");
        fprintf(out, "  %-28s %-24s default %s\n      %s\n", flag, o->env, def,
                o->help);
    }
}

void
config_http(const struct config *c, struct http_config *out)
{
    memset(out, 0, sizeof(*out));
    out->listen = c->listen;
    out->static_dir =
        c->static_dir != NULL && c->static_dir[0] != '\0' ? c->static_dir
                                                           : NULL;
    out->threads = (unsigned)c->threads;
    out->max_connections = (unsigned)c->max_connections;
    out->timeout_s = (unsigned)c->timeout_s;
    out->max_body = (size_t)c->max_body;
}
