/* serve.c — starts and stops the background work of `hotline serve` that
 * this folder owns: the deadline tick, the outbox delivery worker and the
 * SSE hub (after db_writer_start; stopped before db_writer_stop). */
#include "common.h"

#include "config.h"
#include "deadline/tick.h"
#include "notify/notify.h"
#include "notify/serve.h"
#include "util/timeutil.h"

int
notify_serve_args(char **rest, int nrest, int *test_clock, struct err *e)
{
    int i;

    *test_clock = 0;
    for (i = 0; i < nrest; i++) {
        /* RULE test-clock-flag: only an explicit flag on the command line
         * enables the test clock; no default, no environment variable. */
        if (strcmp(rest[i], "--test-clock") == 0)
            *test_clock = 1;
        else
            return err_set(e, ERR_VALIDATION, NULL,
                           "serve: unexpected argument '%s'", rest[i]);
    }
    return 0;
}

int
notify_serve_start(const struct config *cfg, int test_clock, struct err *e)
{
    struct notify_config nc = {
        cfg->sms_gateway_url, cfg->sms_gateway_key, cfg->sms_templates,
        cfg->smtp_url,        cfg->smtp_user,       cfg->smtp_password,
        cfg->smtp_from,       cfg->notify_retry_base,
        (int)cfg->notify_max_attempts,
    };
    struct tick_config tc = {cfg->tick_interval, (int)cfg->yellow_days};

    if (test_clock) {
        time_test_clock_enable();
        log_warn("msg=\"test clock enabled: POST /api/v1/test/clock moves "
                 "time; never use this in production\"");
    }
    if (notify_start(&nc, e) < 0)
        return -1;
    if (tick_start(&tc, e) < 0) {
        notify_stop();
        return -1;
    }
    return 0;
}

void
notify_serve_stop(void)
{
    tick_stop();
    notify_stop();
}
