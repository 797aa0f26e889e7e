/* config.h — server settings: one table drives defaults, environment,
 * command-line flags, validation and --help.
 *
 * Precedence: flags > environment (HOTLINE_*) > defaults. Usage in main:
 *
 *     struct config cfg;
 *     struct http_config hc;
 *     config_defaults(&cfg);
 *     if (config_from_env(&cfg, &e) < 0 ||
 *         (rc = config_parse_args(&cfg, argc - 2, argv + 2, NULL, NULL, &e)) < 0)
 *         die(e.message);                     // names the option
 *     if (rc == 1) { config_help(stdout); exit(0); }
 *     log_set_level((enum log_level)cfg.log_level);
 *     config_http(&cfg, &hc);
 *
 * String values point at the defaults, the environment or argv: they live
 * as long as the process (do not setenv/unsetenv while a config is in use).
 */
#ifndef HOTLINE_CONFIG_H
#define HOTLINE_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "http/http.h"
#include "util/err.h"

struct config {
    const char *listen;      /* --listen, HOTLINE_LISTEN: HOST:PORT */
    const char *db;          /* --db, HOTLINE_DB: SQLite path or postgres:// URL */
    const char *static_dir;  /* --static, HOTLINE_STATIC: "" = none */
    int64_t threads;         /* --threads: HTTP worker threads */
    int64_t max_connections; /* --max-connections */
    int64_t timeout_s;       /* --timeout: idle connection timeout, seconds */
    int64_t max_body;        /* --max-body: cap on any request body, bytes */
    int log_level;           /* --log-level: enum log_level */
    /* security (org/throttle.h, docs/security.md) */
    int64_t session_idle;          /* --session-idle: seconds */
    int64_t session_absolute;      /* --session-absolute: seconds */
    const char *trusted_proxies;   /* --trusted-proxies: "ip,ip" */
    int64_t login_window;          /* --login-window: seconds */
    int64_t login_max_failures;    /* --login-max-failures: per account */
    int64_t login_ip_max_failures; /* --login-ip-max-failures */
    int64_t login_lockout;         /* --login-lockout: first lock, seconds */
    int64_t public_window;         /* --public-window: seconds */
    int64_t public_submit_limit;   /* --public-submit-limit */
    int64_t public_track_limit;    /* --public-track-limit */
    int64_t public_rate_limit;     /* --public-rate-limit */
    int64_t guess_window;          /* --guess-window: seconds */
    int64_t guess_client_limit;    /* --guess-client-limit */
    int64_t guess_case_limit;      /* --guess-case-limit */
    /* deadline tick and notifications (docs/tick.md, docs/notifications.md) */
    int64_t tick_interval;       /* --tick-interval: seconds between ticks */
    int64_t yellow_days;         /* --yellow-days: yellow when <= N working days remain */
    int64_t notify_retry_base;   /* --notify-retry-base: first retry delay, seconds */
    int64_t notify_max_attempts; /* --notify-max-attempts: then 'failed' */
    const char *sms_gateway_url; /* --sms-gateway-url: "" = SMS stay queued */
    const char *sms_gateway_key; /* --sms-gateway-key */
    const char *sms_templates;   /* --sms-templates: key=ID,key=ID */
    const char *smtp_url;        /* --smtp-url: smtp(s)://host:port, "" = no email */
    const char *smtp_user;
    const char *smtp_password;
    const char *smtp_from;
    /* time limits (deadline/rules.h, docs/time-limits.md) */
    int64_t extension_max_count; /* --extension-max-count: requests per case */
    int64_t extension_max_days;  /* --extension-max-days: working days per request */
};

void config_defaults(struct config *c);
/* Reads every HOTLINE_* variable that is set. < 0 with e naming the
 * variable when a value is bad. */
int config_from_env(struct config *c, struct err *e);
/* Parses argv[0..argc) (pass the arguments after the sub-command):
 * "--name value" or "--name=value"; "--" ends options.
 * Arguments that are not config options (positional ones, or flags the
 * table does not know, e.g. a sub-command's own "--demo") go to
 * rest[0..*nrest) in order when rest is given (room for argc entries);
 * with rest == NULL they are an error.
 * Returns 0, 1 when --help/-h was given (caller prints config_help), or
 * < 0 with e naming the option. */
int config_parse_args(struct config *c, int argc, char **argv, char **rest,
                      int *nrest, struct err *e);
/* Sets one option by its name ("listen", "max-connections", ...). */
int config_set(struct config *c, const char *name, const char *value,
               struct err *e);
/* Prints the option table: flag, environment variable, default, help. */
void config_help(FILE *out);
/* The server's part of the config. Strings point into c. */
void config_http(const struct config *c, struct http_config *out);

#endif
