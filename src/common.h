/* common.h — what every .c file includes first. */
#ifndef HOTLINE_COMMON_H
#define HOTLINE_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
/* System headers come before util/banned.h: their own declarations of the
 * banned functions must be seen unharmed. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parses a whole decimal integer in [min, max]; 0 on success, -1 otherwise. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

#include "util/banned.h"
#endif
