/* search_cmd.h — the `hotline reindex` command (search_cmd.c). */
#ifndef HOTLINE_SEARCH_CMD_H
#define HOTLINE_SEARCH_CMD_H

#include "util/err.h"

int cmd_reindex(const char *db_url, char **rest, int nrest, struct err *e);

#endif
