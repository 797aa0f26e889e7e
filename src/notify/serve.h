/* serve.h — what cmd_serve calls for the tick and notifications. */
#ifndef HOTLINE_NOTIFY_SERVE_H
#define HOTLINE_NOTIFY_SERVE_H

#include "config.h"

/* serve's own arguments: "--test-clock". */
int notify_serve_args(char **rest, int nrest, int *test_clock, struct err *e);
int notify_serve_start(const struct config *cfg, int test_clock,
                       struct err *e);
void notify_serve_stop(void);

#endif
